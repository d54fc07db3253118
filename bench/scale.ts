// Catalog scale (issue 6, benchmark 2): the SQLite catalog seeded directly with N images over 100
// owners (1–6 Zipf-skewed COCO tags each), then timed through the real SqliteImageCatalog.
// Every size is seeded first and the samples are interleaved across sizes, so machine noise hits
// each size alike and the 1M/10k ratios are measured side by side.
//   one tag:       list(owner, [tag], 20)            two tags: the same with an AND of two
//   tag counts:    countTags(owner, 100)             listing:  list(owner, [], 20)
//   deep page:     list(owner, [], 20) from the cursor after 10 pages (fewer if the owner has less)
// Goal: every query's p50 at the largest size within 2× its p50 at the smallest; tag counts for an
// owner with 10k images (every owner at 1M) under 20 ms.
// Run: npm run bench:scale [sizes, e.g. 2k or 10k,100k,1M]   (or SCALE_SIZES; SCALE_SAMPLES=200)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteImageCatalog } from '../src/catalog/sqlite.js';
import { openDatabase, type Db } from '../src/db/database.js';
import { writeResults } from './support/results.js';
import { seedCatalog, seededRng, uuid, zipf, type Rng } from './support/scale-seed.js';

const OWNERS = 100;
const PAGE = 20;
const DEEP = 10;
const HEAVY_GOAL_MS = 20;
const sizes = parseSizes(
  process.argv.slice(2).join(',') || process.env.SCALE_SIZES || '10k,100k,1M',
);
const samples = Number(process.env.SCALE_SAMPLES ?? 200);
const warmup = Math.min(50, samples);

function parseSizes(text: string): number[] {
  const parsed = text.split(',').map((part) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(part);
    if (m === null) throw new Error(`Not a size: "${part}" (try 10k,100k,1M).`);
    const unit = { '': 1, k: 1e3, m: 1e6 }[m[2]!.toLowerCase() as '' | 'k' | 'm'];
    return Math.round(Number(m[1]) * unit);
  });
  return [...new Set(parsed)].sort((a, b) => a - b);
}

const label = (n: number) =>
  n >= 1e6 && n % 1e5 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 100 === 0 ? `${n / 1e3}k` : `${n}`;

interface Subject {
  size: number;
  db: Db;
  catalog: SqliteImageCatalog;
  owners: string[];
  deepCursors: Map<string, string>;
  deepPage: number;
  dbBytes: number;
  seedSeconds: number;
}

const QUERIES = ['one tag', 'two tags (AND)', 'tag counts', 'listing page', 'deep page'] as const;
type Query = (typeof QUERIES)[number];
const byQuery = <T>(make: (q: Query) => T) =>
  Object.fromEntries(QUERIES.map((q) => [q, make(q)])) as Record<Query, T>;

async function prepare(size: number): Promise<Subject> {
  const rng = seededRng(size);
  const owners = Array.from({ length: OWNERS }, () => uuid(rng));
  const file = join(dir, `catalog-${size}.db`);
  const started = performance.now();
  seedCatalog(file, { images: size, owners, rng });
  const seedSeconds = (performance.now() - started) / 1000;
  const db = openDatabase(file); // the production pragmas (WAL, NORMAL sync) from here on
  const catalog = new SqliteImageCatalog(db);
  // Every owner's cursor after the same page count: DEEP pages, or as deep as the smallest owner
  // allows while still leaving a full page after it.
  const perOwner = Math.floor(size / OWNERS);
  const depth = Math.max(0, Math.min(DEEP, Math.floor(perOwner / PAGE) - 1));
  const deepCursors = new Map<string, string>();
  for (const owner of owners) {
    let cursor: string | undefined;
    for (let page = 0; page < depth; page += 1) {
      cursor = (await catalog.list(owner, { tags: [], limit: PAGE, cursor })).nextCursor ?? cursor;
    }
    if (cursor !== undefined) deepCursors.set(owner, cursor);
  }
  const dbBytes = statSync(file).size;
  console.log(`seeded ${label(size)} images in ${seedSeconds.toFixed(1)} s (${mib(dbBytes)})`);
  const deepPage = depth + 1;
  return { size, db, catalog, owners, deepCursors, deepPage, dbBytes, seedSeconds };
}

/** Each query resolves to how many items (images or tags) it returned. */
function runner(s: Subject, rng: Rng): Record<Query, () => Promise<number>> {
  const tag = zipf(rng);
  const owner = () => s.owners[Math.floor(rng() * s.owners.length)]!;
  const twoTags = () => {
    const first = tag();
    let second = tag();
    while (second === first) second = tag();
    return [first, second];
  };
  const list = async (o: string, tags: string[], cursor?: string) =>
    (await s.catalog.list(o, { tags, limit: PAGE, cursor })).items.length;
  return {
    'one tag': () => list(owner(), [tag()]),
    'two tags (AND)': () => list(owner(), twoTags()),
    'tag counts': async () => (await s.catalog.countTags(owner(), 100)).length,
    'listing page': () => list(owner(), []),
    'deep page': async () => {
      const o = owner();
      const items = await list(o, [], s.deepCursors.get(o));
      if (items === 0) throw new Error(`The deep page of ${label(s.size)} is empty.`);
      return items;
    },
  };
}

interface Samples {
  ms: number[];
  items: number[];
}
type Results = Map<number, Record<Query, Samples>>;

async function measure(): Promise<Results> {
  const results: Results = new Map();
  const runners = subjects.map((s) => {
    results.set(
      s.size,
      byQuery<Samples>(() => ({ ms: [], items: [] })),
    );
    return runner(s, seededRng(s.size + 1));
  });
  for (let k = 0; k < warmup + samples; k += 1) {
    for (const q of QUERIES) {
      for (const [i, s] of subjects.entries()) {
        const started = process.hrtime.bigint();
        const items = await runners[i]![q]();
        const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
        if (k < warmup) continue;
        results.get(s.size)![q].ms.push(elapsed);
        results.get(s.size)![q].items.push(items);
      }
    }
  }
  return results;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const ms = (value: number) => Number(value.toFixed(value < 1 ? 3 : 2));
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

interface Stat {
  p50: number;
  p99: number;
  items: number;
}

async function report(results: Results): Promise<void> {
  const stat = ({ ms: t, items }: Samples): Stat => ({
    p50: ms(quantile(t, 0.5)),
    p99: ms(quantile(t, 0.99)),
    items: Number((items.reduce((x, y) => x + y, 0) / items.length).toFixed(1)),
  });
  const stats = new Map(
    subjects.map((s) => [s.size, byQuery((q) => stat(results.get(s.size)![q]))]),
  );
  for (const s of subjects) {
    console.log(
      `\n${label(s.size)} images, ${OWNERS} owners (${s.size / OWNERS} each): database ${mib(s.dbBytes)}` +
        ` (${Math.round(s.dbBytes / s.size)} B/image), deep page = page ${s.deepPage}, ${samples} samples`,
    );
    const row = ({ p50, p99, items }: Stat) => ({
      'p50 ms': p50,
      'p99 ms': p99,
      'mean items': items,
    });
    console.table(byQuery((q) => row(stats.get(s.size)![q])));
  }
  const [small, large] = [subjects[0]!.size, subjects.at(-1)!.size];
  const ratio = byQuery((q) =>
    Number((stats.get(large)![q].p50 / stats.get(small)![q].p50).toFixed(2)),
  );
  // A small catalog's tag pages are often not full (100 images an owner at 10k), and a page costs
  // per image in it, so the ratio per returned item is shown beside the goal's plain ratio.
  const perItem = byQuery((q) => {
    const [a, b] = [stats.get(small)![q], stats.get(large)![q]];
    return a.items > 0 && b.items > 0
      ? Number((b.p50 / b.items / (a.p50 / a.items)).toFixed(2))
      : null;
  });
  console.log(`\np50 ratio ${label(large)} / ${label(small)} (goal: every query within 2×)`);
  console.table(
    byQuery((q) => {
      const [a, b] = [stats.get(small)![q], stats.get(large)![q]];
      return {
        [`p50 ${label(small)}`]: a.p50,
        [`p50 ${label(large)}`]: b.p50,
        ratio: ratio[q],
        'p99 ratio': Number((b.p99 / a.p99).toFixed(2)),
        'mean items': `${a.items} → ${b.items}`,
        'ratio per item': perItem[q] ?? '–',
        'goal ≤ 2×': ratio[q] <= 2 ? 'met' : 'MISSED',
      };
    }),
  );
  const heavy = {
    images: large / OWNERS,
    ...stats.get(large)!['tag counts'],
    goalMs: HEAVY_GOAL_MS,
  };
  const heavyMet = heavy.p99 < HEAVY_GOAL_MS;
  console.log(
    `tag counts for an owner with ${heavy.images} images: p50 ${heavy.p50} ms, p99 ${heavy.p99} ms` +
      ` (goal < ${HEAVY_GOAL_MS} ms: ${heavyMet ? 'met' : 'MISSED'})`,
  );

  const path = await writeResults('scale', {
    owners: OWNERS,
    samples,
    sizes: Object.fromEntries(
      subjects.map(({ size, dbBytes, seedSeconds, deepPage }) => [
        label(size),
        {
          images: size,
          dbBytes,
          seedSeconds: Number(seedSeconds.toFixed(1)),
          deepPage,
          queries: stats.get(size),
        },
      ]),
    ),
    p50Ratio: { of: `${label(large)}/${label(small)}`, goal: 2, ...ratio },
    p50RatioPerItem: perItem,
    heavyOwnerTagCounts: { ...heavy, met: heavyMet },
  });
  console.log(`wrote ${path} (key "scale")`);
}

const dir = mkdtempSync(join(tmpdir(), 'pixtag-scale-'));
const subjects: Subject[] = [];
try {
  for (const size of sizes) subjects.push(await prepare(size));
  await report(await measure());
} finally {
  for (const s of subjects) s.db.close();
  rmSync(dir, { recursive: true, force: true });
}
