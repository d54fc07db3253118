import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG_SQL, SqliteImageCatalog } from '../../src/catalog/sqlite.js';
import type { Db } from '../../src/db/database.js';
import { openDatabase } from '../../src/db/database.js';
import { migrations } from '../../src/db/migrations.js';
import { imageCatalogContract } from './image-catalog.contract.js';

imageCatalogContract('SQLite', async () => {
  const db = openDatabase(':memory:');
  return { catalog: new SqliteImageCatalog(db), close: async () => void db.close() };
});

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
        status: i % 10 === 0 ? 'pending' : 'tagged',
        tags: LABELS.filter((_, k) => (i * 7 + k) % 4 === 0).map((name) => ({
          name,
          confidence: 0.5,
        })),
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
  others: '["cat","car"]',
  createdAt: '2023-11-14T22:15:00.000Z',
  id: 'image-1-100',
  ids: '["image-1-1","image-1-2"]',
  tags: '["dog","cat"]',
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

describe('SqliteImageCatalog query plans', () => {
  const reads = [
    'listAll',
    'listAllAfter',
    'listTagged',
    'listTaggedAfter',
    'tagsOfImages',
    'tagCountsOf',
    'countTags',
    'getImage',
  ] as const;

  for (const analyzed of [false, true]) {
    for (const name of reads) {
      it(`when ${name} runs${analyzed ? ' after ANALYZE' : ''}, then it scans no table and sorts nothing`, async () => {
        const db = await seeded();
        if (analyzed) db.exec('ANALYZE');
        const steps = plan(db, CATALOG_SQL[name]);
        // Only the JSON arrays of ids/tags passed in are scanned; every table is searched.
        expect(steps.filter((s) => s.startsWith('SCAN') && !s.includes('VIRTUAL TABLE'))).toEqual(
          [],
        );
        expect(steps.filter((s) => s.includes('TEMP B-TREE'))).toEqual([]);
        db.close();
      });
    }
  }

  it('when listing by tags, then the driving tag is walked on its index in page order', async () => {
    const db = await seeded();
    for (const sql of [CATALOG_SQL.listTagged, CATALOG_SQL.listTaggedAfter]) {
      const steps = plan(db, sql);
      expect(steps[0]).toMatch(/^SEARCH t USING (COVERING )?INDEX image_tags_by_owner_tag_newest/);
      expect(steps).toContain('SEARCH i USING PRIMARY KEY (id=?)');
      expect(steps).toContain('SEARCH o USING PRIMARY KEY (image_id=? AND name=?)');
    }
    expect(plan(db, CATALOG_SQL.listAllAfter)[0]).toContain(
      'INDEX images_by_owner_newest (owner_id=? AND created_at<?)',
    );
    expect(plan(db, CATALOG_SQL.countTags)[0]).toContain('INDEX tag_counts_by_owner_most_used');
    db.close();
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
        tags: [{ name: 'dog', confidence: 0.9 }],
        createdAt: '2025-01-01T00:00:00.000Z',
      });
      first.close();

      const second = openDatabase(file);
      expect(second.pragma('user_version', { simple: true })).toBe(migrations.length);
      const catalog = new SqliteImageCatalog(second);
      expect(await catalog.get('alice', 'image-1')).toMatchObject({ status: 'tagged' });
      expect(await catalog.countTags('alice', 10)).toEqual([{ name: 'dog', count: 1 }]);
      second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
