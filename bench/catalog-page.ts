// The SQL side of the HTTP page (issue 6): SqliteImageCatalog.list() for a page of 20 images with
// their tags, in µs per page, on one owner's catalog in a warm file. With --before <git rev>, the
// catalog adapter and schema of that revision run beside today's, alternating in rounds within
// one run (A/B, then B/A), so both see the same machine noise; the ratio is what to quote.
//   page, tags=person   list(owner, ['person'], 20)   what GET /images?tags=person asks
//   page, no tags       list(owner, [], 20)           GET /images
//   page, AND           list(owner, ['person', 'car'], 20)
// Both databases are opened with today's pragmas (openDatabase's), so only the adapter's SQL and
// code and the schema differ.
// Run: npx tsx bench/catalog-page.ts [--before <rev>] [--images 2000] [--rounds 10] [--pages 500]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ImageCatalog } from '../src/catalog/image-catalog.js';
import type { ImageRecord } from '../src/domain/image.js';
import { SqliteImageCatalog } from '../src/catalog/sqlite.js';
import { openDatabase, type Db } from '../src/db/database.js';
import { seededRng, uuid, uuidV7, zipf } from './support/scale-seed.js';

const { values: args } = parseArgs({
  options: {
    before: { type: 'string' },
    images: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '10' },
    pages: { type: 'string', default: '500' },
  },
});
const IMAGES = Number(args.images);
const ROUNDS = Number(args.rounds);
const PAGES = Number(args.pages);
const PAGE = 20;

const QUERIES = {
  'page, tags=person': ['person'],
  'page, no tags': [],
  'page, AND person+car': ['person', 'car'],
} satisfies Record<string, string[]>;
type Query = keyof typeof QUERIES;

interface Subject {
  name: string;
  catalog: ImageCatalog;
  db: Db;
}

const dir = mkdtempSync(join(tmpdir(), 'pixtag-page-'));

/** The same images for every subject: one owner, 1–6 Zipf tags, 1 in 50 pending. */
function images(owner: string): ImageRecord[] {
  const rng = seededRng(7);
  const label = zipf(rng);
  const start = Date.parse('2025-01-01T00:00:00.000Z');
  return Array.from({ length: IMAGES }, (_, i) => {
    const ms = start + i * 1000;
    const tagged = i % 50 !== 49;
    const names = new Set<string>();
    while (tagged && names.size < 1 + Math.floor(rng() * 6)) names.add(label());
    return {
      id: uuidV7(rng, ms),
      ownerId: owner,
      filename: `photo-${i}.jpg`,
      contentType: 'image/jpeg',
      size: 100_000 + i,
      status: tagged ? 'tagged' : 'pending',
      tags: [...names].map((name) => ({
        name,
        confidence: 0.5 + rng() / 2,
        source: 'model' as const,
      })),
      createdAt: new Date(ms).toISOString(),
      ...(tagged ? { taggedAt: new Date(ms + 5000).toISOString() } : {}),
    };
  });
}

/** Loads a revision's catalog adapter and migrations from git, importing today's other modules. */
async function fromRevision(rev: string): Promise<(db: Db) => ImageCatalog> {
  const src = resolve('src');
  const show = (path: string) =>
    execFileSync('git', ['show', `${rev}:${path}`], { encoding: 'utf8' });
  const rewrite = (code: string, from: string) =>
    code.replace(/from '(\.{1,2}\/[^']+)'/g, (_, spec: string) => `from '${resolve(from, spec)}'`);
  const adapterFile = join(dir, 'before-sqlite.ts');
  const migrationsFile = join(dir, 'before-migrations.ts');
  writeFileSync(adapterFile, rewrite(show('src/catalog/sqlite.ts'), join(src, 'catalog')));
  writeFileSync(migrationsFile, show('src/db/migrations.ts'));
  const adapter = (await import(adapterFile)) as {
    SqliteImageCatalog: new (db: Db) => ImageCatalog;
  };
  const { migrations } = (await import(migrationsFile)) as { migrations: string[] };
  return (db) => {
    // openDatabase migrated to today's schema; this file starts over at the revision's.
    for (const table of ['image_tags', 'images', 'tag_counts', 'owners', 'jobs', 'users']) {
      db.exec(`DROP TABLE IF EXISTS ${table}`);
    }
    db.pragma('user_version = 0');
    for (const [version, sql] of migrations.entries()) {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    }
    return new adapter.SqliteImageCatalog(db);
  };
}

async function subject(name: string, make: (db: Db) => ImageCatalog, owner: string) {
  const db = openDatabase(join(dir, `${name}.db`));
  const catalog = make(db);
  for (const image of images(owner)) await catalog.insert(image);
  // Other owners' images around this one's, as in a shared file.
  for (let k = 0; k < 3; k += 1) {
    for (const image of images(`other-${k}`)) {
      await catalog.insert({ ...image, id: `${k}-${image.id}`, ownerId: `other-${k}` });
    }
  }
  return { name, catalog, db } satisfies Subject;
}

async function timePages(s: Subject, owner: string, tags: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  for (let k = 0; k < PAGES; k += 1) {
    const page = await s.catalog.list(owner, { tags, limit: PAGE });
    if (page.items.length === 0) throw new Error(`${s.name} returned an empty page.`);
  }
  return Number(process.hrtime.bigint() - started) / 1e3 / PAGES;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

try {
  const owner = uuid(seededRng(1));
  const subjects: Subject[] = [];
  if (args.before !== undefined) {
    subjects.push(await subject(`before (${args.before})`, await fromRevision(args.before), owner));
  }
  subjects.push(await subject('now', (db) => new SqliteImageCatalog(db), owner));
  const times = new Map(subjects.map((s) => [s.name, new Map<Query, number[]>()]));
  for (let round = 0; round < ROUNDS + 1; round += 1) {
    const order = round % 2 === 0 ? subjects : [...subjects].reverse();
    for (const query of Object.keys(QUERIES) as Query[]) {
      for (const s of order) {
        const us = await timePages(s, owner, QUERIES[query]);
        if (round === 0) continue; // warm-up round
        const byQuery = times.get(s.name)!;
        byQuery.set(query, [...(byQuery.get(query) ?? []), us]);
      }
    }
  }
  console.log(
    `µs per page of ${PAGE} with tags (median of ${ROUNDS} rounds × ${PAGES} pages, after one` +
      ` warm-up round; ${IMAGES} images for the owner, 3 other owners alike)`,
  );
  const table = Object.fromEntries(
    (Object.keys(QUERIES) as Query[]).map((query) => {
      const row: Record<string, number | string> = {};
      for (const s of subjects)
        row[`${s.name} µs`] = Number(median(times.get(s.name)!.get(query)!).toFixed(1));
      if (subjects.length === 2) {
        const [a, b] = subjects.map((s) => median(times.get(s.name)!.get(query)!));
        row['now / before'] = Number((b! / a!).toFixed(2));
      }
      return [query, row];
    }),
  );
  console.table(table);
  for (const s of subjects) s.db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
