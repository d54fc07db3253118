import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImageCatalog, ListQuery } from '../../src/catalog/image-catalog.js';
import type { ImageRecord } from '../../src/domain/image.js';
import { CATALOG_SQL, SqliteImageCatalog } from '../../src/catalog/sqlite.js';
import { shapeKey, type Driver, type ListShape } from '../../src/catalog/sqlite-list.js';
import type { Db } from '../../src/db/database.js';
import { migrate, openDatabase } from '../../src/db/database.js';
import { migrations } from '../../src/db/migrations.js';
import { imageCatalogContract } from './image-catalog.contract.js';
import { imageCatalogTextContract } from './image-catalog-text.contract.js';

const sqliteHarness = async () => {
  const db = openDatabase(':memory:');
  return { catalog: new SqliteImageCatalog(db), close: async () => void db.close() };
};

imageCatalogContract('SQLite', sqliteHarness);
imageCatalogTextContract(sqliteHarness, 'SQLite');

const LABELS = ['person', 'car', 'dog', 'cat', 'bus', 'boat', 'bird', 'truck', 'bench', 'cup'];

/** A few owners with a few hundred tagged images each, so the planner sees real tables. */
async function seeded(): Promise<Db> {
  const db = openDatabase(':memory:');
  const catalog = new SqliteImageCatalog(db);
  for (let owner = 0; owner < 3; owner++) {
    for (let i = 0; i < 300; i++) {
      await catalog.insert({
        id: `image-${owner}-${i}`,
        ownerId: `owner-${owner}`,
        filename: 'a.jpg',
        contentType: 'image/jpeg',
        size: 1,
        status: i % 10 === 0 ? 'pending' : i % 13 === 0 ? 'failed' : 'tagged',
        tags: LABELS.filter((_, k) => i % 10 !== 0 && i % 13 !== 0 && (i * 7 + k) % 4 === 0).map(
          (name) => ({
            name,
            confidence: 0.5,
            source: 'model' as const,
          }),
        ),
        createdAt: new Date(1.7e12 + i * 1000).toISOString(),
      });
    }
  }
  return db;
}

const params: Record<string, string | number> = {
  owner: 'owner-1',
  limit: 21,
  tag: 'dog',
  other0: 'cat',
  other1: 'car',
  all0: '["cat",',
  all1: '["car",',
  any0: '["bus",',
  any1: '["cup",',
  none0: '["bird",',
  none1: '["truck",',
  arm0: 'dog',
  arm1: 'cat',
  arm2: 'car',
  not0: 'bird',
  not1: 'truck',
  name: 'dog',
  createdAt: '2023-11-14T22:15:00.000Z',
  id: 'image-1-100',
  match: '"x"*',
  from: 1,
  docs: '[1]',
};

function plan(db: Db, sql: string): string[] {
  const used = Object.fromEntries(
    [...sql.matchAll(/@(\w+)/g)].map(([, name]) => [name!, params[name!]!]),
  );
  return db
    .prepare<Record<string, string | number>, { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
    .all(used)
    .map((row) => row.detail);
}

const OWNER_LOOKUP = 'SEARCH owners USING COVERING INDEX sqlite_autoindex_owners_1 (id=?)';

/** The plan's table steps: the owner-number subquery (run once a statement) is checked apart. */
function tableSteps(steps: string[]): string[] {
  const lookups = steps.filter((step) => step.startsWith('SEARCH owners'));
  expect(lookups.every((step) => step === OWNER_LOOKUP)).toBe(true);
  expect(steps.filter((step) => step.startsWith('SCALAR SUBQUERY'))).toHaveLength(lookups.length);
  return steps.filter((step) => !/SUBQUERY/.test(step) && !step.startsWith('SEARCH owners'));
}

describe('SqliteImageCatalog query plans', () => {
  const s = CATALOG_SQL;
  /** Every listing shape: each driver, both orders, with and without a cursor, with probes. */
  const shapes: ListShape[] = [];
  for (const driver of [
    'images',
    'tagged',
    'pending',
    'failed',
    'untagged',
    'tag',
    'any',
  ] as const) {
    for (const order of ['newest', 'oldest'] as const) {
      for (const after of [false, true]) {
        for (const [others, any, none] of [
          [0, 0, 0],
          [1, 0, 2],
          [2, 2, 1],
        ] as const) {
          if (driver === 'any' && others === 0) continue; // an OR has at least one arm
          const probesAny = driver !== 'any' && driver !== 'untagged';
          shapes.push({
            status: false,
            driver,
            others: driver === 'tag' || driver === 'any' ? others : 0,
            any: probesAny ? any : 0,
            none: driver === 'untagged' ? 0 : none,
            order,
            after,
          });
        }
      }
    }
  }
  const reads: [string, string][] = [
    ...shapes.map((shape): [string, string] => [`list ${shapeKey(shape)}`, s.list(shape)]),
    ['tagCount', s.tagCount],
    ['countTags', s.countTags],
    ['getImage', s.getImage],
    ['changeVersion', s.changeVersion],
  ];

  for (const analyzed of [false, true]) {
    it(`when any read runs${analyzed ? ' after ANALYZE' : ''}, then it scans no table and sorts nothing`, async () => {
      const db = await seeded();
      if (analyzed) db.exec('ANALYZE');
      for (const [name, sql] of reads) {
        const steps = plan(db, sql);
        // `SCAN h` reads the OR's merged page of keys (a co-routine of at most `limit` rows).
        const scans = steps.filter((step) => step.startsWith('SCAN') && step !== 'SCAN h');
        expect({ name, scans }).toEqual({ name, scans: [] });
        const sorts = steps.filter((step) => step.includes('TEMP B-TREE'));
        expect({ name, sorts }).toEqual({ name, sorts: [] });
      }
      db.close();
    });
  }

  it('when a listing runs, then it walks its driver’s index and reads each candidate by key', async () => {
    const db = await seeded();
    const first: Record<Driver, RegExp> = {
      images: /^SEARCH i USING PRIMARY KEY \(owner=\?/,
      tagged: /^SEARCH i USING PRIMARY KEY \(owner=\?/,
      pending: /^SEARCH i USING COVERING INDEX images_pending \(owner=\?/,
      failed: /^SEARCH i USING COVERING INDEX images_failed \(owner=\?/,
      untagged: /^SEARCH i USING COVERING INDEX images_untagged \(owner=\?/,
      tag: /^SEARCH t USING PRIMARY KEY \(owner=\? AND name=\?/,
      any: /^CO-ROUTINE h$/,
    };
    const PROBE = 'SEARCH n USING PRIMARY KEY (owner=? AND name=? AND created_at=? AND image_id=?)';
    for (const analyzed of [false, true]) {
      if (analyzed) db.exec('ANALYZE');
      for (const shape of shapes) {
        const steps = tableSteps(plan(db, s.list(shape)));
        expect({ shape, step: steps[0] }).toEqual({
          shape,
          step: expect.stringMatching(first[shape.driver]),
        });
        const range = shape.order === 'newest' ? 'created_at<?' : 'created_at>?';
        if (shape.after) expect(steps.join('\n')).toContain(range);
        // Tag conditions are checks on the row read anyway; only the OR's arms probe notTags.
        const probes = steps.filter((step) => step.startsWith('SEARCH n '));
        const expected = shape.driver === 'any' && shape.none > 0 ? shape.others : 0;
        expect({ shape, probes }).toEqual({ shape, probes: Array(expected).fill(PROBE) });
        if (shape.driver === 'tag' || shape.driver === 'any') {
          expect(steps.at(-1)).toBe('SEARCH i USING PRIMARY KEY (owner=? AND created_at=?)');
          // Nothing else is read: the tag ranges, the probes and the image rows.
          const searches = steps.filter((step) => step.startsWith('SEARCH'));
          expect(searches).toHaveLength(shape.driver === 'any' ? shape.others * 2 + 1 : 2);
        }
      }
    }
    db.close();
  });

  it('when counting tags or reading one image, then one index each', async () => {
    const db = await seeded();
    expect(plan(db, s.getImage)[0]).toContain('INDEX images_by_id (id=?)');
    expect(plan(db, s.countTags)[0]).toContain('INDEX tag_counts_by_owner_most_used');
    db.close();
  });

  it('when a read takes a limit, then as +@limit, which SQLite does not fold into the plan', () => {
    // A bare `LIMIT @limit` makes SQLite prepare the statement again on every run (sqlite-list.ts
    // LIMIT); no API here counts re-preparations, so the text is what can be checked.
    for (const [name, sql] of reads) {
      expect({ name, bare: /LIMIT\s+@/i.test(sql) }).toEqual({ name, bare: false });
    }
    expect(s.list(shapes[0]!)).toContain('LIMIT +@limit');
    expect(s.countTags).toContain('LIMIT +@limit');
  });

  it('when the change version is read, then it is one lookup of the owner by id', async () => {
    const db = await seeded();
    expect(plan(db, s.changeVersion)).toEqual([
      'SEARCH owners USING INDEX sqlite_autoindex_owners_1 (id=?)',
    ]);
    db.close();
  });

  it('when q lists, then one FTS5 walk in rowid order, bounded at a cursor, and each row by its doc', async () => {
    const db = await seeded();
    for (const order of ['newest', 'oldest'] as const) {
      for (const after of [false, true]) {
        const walk = plan(db, s.searchWalk(order, after));
        // FTS5's plan string: M is the MATCH, < or > a rowid bound; the ORDER BY costs no sort.
        expect(walk).toEqual([
          expect.stringMatching(
            new RegExp(`^SCAN image_search VIRTUAL TABLE INDEX \\d+:M\\d*${after ? '[<>]' : ''}$`),
          ),
        ]);
        const rows = tableSteps(plan(db, s.searchRows(order, after)));
        expect(rows[0]).toMatch(/^SCAN d VIRTUAL TABLE/);
        expect(rows[1]).toMatch(/^SEARCH i USING INDEX images_by_doc \(doc=\?/);
        expect(rows.join('\n')).not.toContain('TEMP B-TREE');
      }
    }
    db.close();
  });

  it('when a tagged image is removed or retagged, then its tag rows go by exact key', async () => {
    // The images_tags_* triggers' DELETE, as SQLite plans it inside the trigger.
    const db = await seeded();
    const steps = plan(
      db,
      `DELETE FROM image_tags WHERE owner = 2
         AND name IN (SELECT t.value ->> 0 FROM json_each('[["dog",1],["cat",1]]') t)
         AND created_at = @createdAt AND image_id = @id`,
    );
    expect(steps[0]).toBe(
      'SEARCH image_tags USING PRIMARY KEY (owner=? AND name=? AND created_at=? AND image_id=?)',
    );
    db.close();
  });
});

describe('SqliteImageCatalog change version', () => {
  const image = (id: string, ownerId = 'alice'): ImageRecord => ({
    id,
    ownerId,
    filename: `${id}.jpg`,
    contentType: 'image/jpeg',
    size: 1,
    status: 'pending',
    tags: [],
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, Number(id.replace(/\D/g, '')))).toISOString(),
  });

  /** Runs each write and checks the version it leaves is new, and that reads leave it alone. */
  async function expectEachWriteChangesIt(
    catalog: ImageCatalog,
    version: (owner: string) => Promise<string | undefined>,
  ) {
    const seen = new Set<string | undefined>([await version('alice')]);
    const changed = async (write: () => Promise<unknown>) => {
      await write();
      const now = await version('alice');
      expect(now).toBeDefined();
      expect(seen.has(now)).toBe(false);
      seen.add(now);
      // Reads and another owner's writes do not change it.
      await catalog.list('alice', { tags: [], limit: 5 });
      await catalog.countTags('alice', { limit: 5 });
      expect(await version('alice')).toBe(now);
    };
    const dog = [{ name: 'dog', confidence: 0.9 }];
    await changed(() => catalog.insert(image('a1')));
    await changed(() => catalog.insert(image('a2')));
    await changed(() =>
      catalog.markTagged('alice', 'a1', { labels: dog, taggedAt: '2025-01-02T00:00:00.000Z' }),
    );
    await changed(() => catalog.markFailed('alice', 'a2', 'This is not an image.'));
    await changed(() => catalog.markPending('alice', 'a1'));
    await changed(() =>
      catalog.markTagged('alice', 'a1', { labels: dog, taggedAt: '2025-01-03T00:00:00.000Z' }),
    );
    await changed(() => catalog.remove('alice', 'a2'));
    await changed(() => catalog.remove('alice', 'a1'));
    const alice = await version('alice');
    await catalog.insert(image('b1', 'bob'));
    await catalog.markTagged('bob', 'b1', { labels: dog, taggedAt: '2025-01-02T00:00:00.000Z' });
    expect(await version('alice')).toBe(alice);
  }

  it("when any write changes an owner's images, then its version is one it never had before", async () => {
    const db = openDatabase(':memory:');
    const catalog = new SqliteImageCatalog(db);
    expect(await catalog.changeVersion('nobody')).toBeDefined();
    await expectEachWriteChangesIt(catalog, (owner) => catalog.changeVersion(owner));
    db.close();
  });

  it('when another connection writes the same file, then this one reads the new version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixtag-catalog-'));
    try {
      const file = join(dir, 'pixtag.db');
      const [here, there] = [openDatabase(file), openDatabase(file)];
      const reader = new SqliteImageCatalog(here);
      // Writes through the other connection (another process), versions read through this one.
      await expectEachWriteChangesIt(new SqliteImageCatalog(there), (owner) =>
        reader.changeVersion(owner),
      );
      here.close();
      there.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the file is opened again, then the version carries on from where it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixtag-catalog-'));
    try {
      const file = join(dir, 'pixtag.db');
      const first = openDatabase(file);
      const catalog = new SqliteImageCatalog(first);
      await catalog.insert(image('a1'));
      await catalog.markPending('alice', 'a1');
      const before = Number(await catalog.changeVersion('alice'));
      first.close();
      const second = openDatabase(file);
      const reopened = new SqliteImageCatalog(second);
      expect(Number(await reopened.changeVersion('alice'))).toBe(before);
      await reopened.remove('alice', 'a1');
      expect(Number(await reopened.changeVersion('alice'))).toBeGreaterThan(before);
      second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite schema migrations', () => {
  it('when the same file is opened twice, then migrations run once and data stays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixtag-catalog-'));
    try {
      const file = join(dir, 'pixtag.db');
      const first = openDatabase(file);
      await new SqliteImageCatalog(first).insert({
        id: 'image-1',
        ownerId: 'alice',
        filename: 'a.jpg',
        contentType: 'image/jpeg',
        size: 1,
        status: 'tagged',
        tags: [{ name: 'dog', confidence: 0.9, source: 'model' }],
        createdAt: '2025-01-01T00:00:00.000Z',
      });
      first.close();

      const second = openDatabase(file);
      expect(second.pragma('user_version', { simple: true })).toBe(migrations.length);
      const catalog = new SqliteImageCatalog(second);
      expect(await catalog.get('alice', 'image-1')).toMatchObject({ status: 'tagged' });
      expect(await catalog.countTags('alice', { limit: 10 })).toEqual([{ name: 'dog', count: 1 }]);
      second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when a database of schema v2 is opened, then it migrates in place and keeps every image, tag and count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixtag-catalog-'));
    try {
      const file = join(dir, 'pixtag.db');
      // A DATA_DIR from the previous version: schema v2, written with v2's own statements.
      const old = new Database(file);
      migrate(old, 2);
      const image = old.prepare(
        `INSERT INTO images (id, owner_id, filename, content_type, size, status, created_at,
           tagged_at, error) VALUES (?, ?, ?, 'image/jpeg', 1, ?, ?, ?, ?)`,
      );
      const tag = old.prepare(
        `INSERT INTO image_tags (image_id, name, confidence, owner_id, created_at)
         VALUES (?, ?, ?, ?, ?)`,
      );
      const t = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();
      image.run('a1', 'alice', 'a1.jpg', 'tagged', t(1), t(2), null);
      tag.run('a1', 'dog', 0.5, 'alice', t(1));
      tag.run('a1', 'traffic light', 0.8000000000000002, 'alice', t(1));
      image.run('a2', 'alice', 'a2.jpg', 'tagged', t(3), t(4), null);
      tag.run('a2', 'dog', 0.9, 'alice', t(3));
      image.run('a3', 'alice', 'a3.jpg', 'failed', t(5), null, 'This is not an image.');
      image.run('b1', 'bob', 'b1.jpg', 'tagged', t(6), t(7), null);
      tag.run('b1', 'cat', 0.7, 'bob', t(6));
      // Enough rows that the copied tables span many pages.
      for (let k = 0; k < 400; k += 1) {
        image.run(
          `c${k}`,
          'carol',
          `${'long name '.repeat(20)}${k}.jpg`,
          'tagged',
          t(k),
          t(k),
          null,
        );
        tag.run(`c${k}`, 'bus', 0.5, 'carol', t(k));
      }
      old
        .prepare(`INSERT INTO jobs (key, run_after, enqueued_at) VALUES ('u/alice/a4', 1, 1)`)
        .run();
      expect(old.pragma('user_version', { simple: true })).toBe(2);
      old.close();

      const db = openDatabase(file);
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      // The v2 tables' pages went back to the file system (VACUUM), not left free inside it.
      expect(db.pragma('freelist_count', { simple: true })).toBe(0);
      const catalog = new SqliteImageCatalog(db);
      expect(await catalog.get('alice', 'a1')).toEqual({
        id: 'a1',
        ownerId: 'alice',
        filename: 'a1.jpg',
        contentType: 'image/jpeg',
        size: 1,
        status: 'tagged',
        tags: [
          { name: 'traffic light', confidence: 0.8000000000000002, source: 'model' },
          { name: 'dog', confidence: 0.5, source: 'model' },
        ],
        createdAt: t(1),
        taggedAt: t(2),
      });
      expect(await catalog.get('alice', 'a3')).toMatchObject({
        status: 'failed',
        tags: [],
        error: 'This is not an image.',
      });
      expect(await catalog.get('alice', 'b1')).toBeUndefined();
      const ids = async (owner: string, tags: string[]) =>
        (await catalog.list(owner, { tags, limit: 10 })).items.map((i) => i.id);
      expect(await ids('alice', [])).toEqual(['a3', 'a2', 'a1']);
      expect(await ids('alice', ['dog'])).toEqual(['a2', 'a1']);
      expect(await ids('alice', ['dog', 'traffic light'])).toEqual(['a1']);
      expect(await ids('bob', ['cat'])).toEqual(['b1']);
      expect(await catalog.countTags('alice', { limit: 10 })).toEqual([
        { name: 'dog', count: 2 },
        { name: 'traffic light', count: 1 },
      ]);
      // The migrated rows keep working: a retag and a removal still keep the counts exact, and
      // each changes the owner's version.
      const migrated = await catalog.changeVersion('alice');
      await catalog.markTagged('alice', 'a2', {
        labels: [{ name: 'cat', confidence: 0.6 }],
        taggedAt: t(8),
      });
      expect(await catalog.changeVersion('alice')).not.toBe(migrated);
      await catalog.remove('alice', 'a1');
      expect(await catalog.countTags('alice', { limit: 10 })).toEqual([{ name: 'cat', count: 1 }]);
      expect(db.prepare('SELECT count(*) FROM jobs').pluck().get()).toBe(1);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite schema v5', () => {
  it('when a v4 database is opened, then the search indexes are built from its rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixtag-catalog-'));
    try {
      const file = join(dir, 'pixtag.db');
      const v4 = new Database(file);
      migrate(v4, 4);
      v4.close();
      // Rows written while the file was v4, with v4's columns.
      const before = new Database(file);
      const t = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();
      before.prepare(`INSERT INTO owners (id) VALUES ('alice')`).run();
      const insert = before.prepare(
        `INSERT INTO images (owner, created_at, id, filename, content_type, size, status, error,
          tags) VALUES (1, ?, ?, 'a.jpg', 'image/jpeg', 1, ?, ?, ?)`,
      );
      insert.run(t(1), 'f1', 'failed', 'No.', '[]');
      insert.run(t(2), 'u1', 'tagged', null, '[]');
      insert.run(t(3), 'p1', 'pending', null, '[]');
      insert.run(t(4), 'd1', 'tagged', null, '[["dog",0.9]]');
      expect(before.pragma('user_version', { simple: true })).toBe(4);
      before.close();

      const db = openDatabase(file);
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      const catalog = new SqliteImageCatalog(db);
      const ids = async (query: Partial<ListQuery>) =>
        (await catalog.list('alice', { tags: [], limit: 10, ...query })).items.map((i) => i.id);
      expect(await ids({ status: 'failed' })).toEqual(['f1']);
      expect(await ids({ status: 'pending' })).toEqual(['p1']);
      expect(await ids({ untagged: true })).toEqual(['u1']);
      expect(await ids({ notTags: ['dog'], order: 'oldest' })).toEqual(['f1', 'u1', 'p1']);
      const indexes = db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'images_%'`)
        .pluck()
        .all();
      expect(indexes).toEqual(
        expect.arrayContaining(['images_pending', 'images_failed', 'images_untagged']),
      );
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite schema v7', () => {
  it('when a v6 database is opened, then q finds its images by every field, in page order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixtag-catalog-'));
    try {
      const file = join(dir, 'pixtag.db');
      const v6 = new Database(file);
      migrate(v6, 6);
      const t = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();
      v6.prepare(`INSERT INTO owners (id) VALUES ('alice'), ('bob')`).run();
      const insert = v6.prepare(
        `INSERT INTO images (owner, created_at, id, filename, content_type, size, status, tags,
          user_tags, text) VALUES (?, ?, ?, ?, 'image/jpeg', 1, 'tagged', ?, ?, ?)`,
      );
      // a2 and a3 share a millisecond: their order is the id's.
      insert.run(1, t(1), 'a1', 'Beach-day.jpg', '[["dog",0.9]]', '[]', null);
      insert.run(1, t(2), 'a3', 'IMG_0042.jpg', '[]', '[["holiday",1]]', null);
      insert.run(1, t(2), 'a2', 'scan.jpg', '[]', '[]', 'Total due: 12 EUR');
      insert.run(2, t(3), 'b1', 'beach.jpg', '[["dog",0.9]]', '[]', null);
      v6.close();

      const db = openDatabase(file);
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      const catalog = new SqliteImageCatalog(db);
      const ids = async (q: string, query: Partial<ListQuery> = {}) =>
        (await catalog.list('alice', { tags: [], limit: 10, q, ...query })).items.map((i) => i.id);
      expect(await ids('beach')).toEqual(['a1']);
      expect(await ids('tot eur')).toEqual(['a2']);
      expect(await ids('holi')).toEqual(['a3']);
      expect(await ids('do')).toEqual(['a1']);
      expect(await ids('jpg png')).toEqual([]);
      // One image a page across the shared millisecond, both ways.
      for (const [order, expected] of [
        ['newest', ['a3', 'a2', 'a1']],
        ['oldest', ['a1', 'a2', 'a3']],
      ] as const) {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await catalog.list('alice', { tags: [], q: 'jp', limit: 1, cursor, order });
          seen.push(...page.items.map((i) => i.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor !== undefined);
        expect(seen).toEqual(expected);
      }
      // A new image in a millisecond that has one already takes the next doc.
      await catalog.insert({
        id: 'a0',
        ownerId: 'alice',
        filename: 'beach-again.jpg',
        contentType: 'image/jpeg',
        size: 1,
        status: 'pending',
        tags: [],
        createdAt: t(1),
      });
      expect(await ids('beach')).toEqual(['a1', 'a0']);
      const docs = db
        .prepare(`SELECT doc FROM images ORDER BY doc`)
        .pluck()
        .safeIntegers(true)
        .all();
      expect(new Set(docs).size).toBe(5);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
