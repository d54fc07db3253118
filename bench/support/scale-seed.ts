// Bulk seeder for bench/scale.ts: writes images straight into a fresh SQLite file with the
// catalog's own INSERT statement, in large transactions with journaling and fsync off. image_tags
// and tag_counts are not written here: the schema's triggers keep them, exactly as in production.
// The file is closed after; the benchmark reopens it with openDatabase's production pragmas.
import Database from 'better-sqlite3';
import { CATALOG_SQL } from '../../src/catalog/sqlite.js';
import { encodeTags } from '../../src/catalog/sqlite-rows.js';
import { migrate } from '../../src/db/database.js';

/** The 80 COCO labels of the local model, most common first (the Zipf rank). */
export const COCO_LABELS = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat',
  'traffic light', 'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog',
  'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella',
  'handbag', 'tie', 'suitcase', 'frisbee', 'skis', 'snowboard', 'sports ball', 'kite',
  'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle',
  'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
  'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant',
  'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone',
  'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors',
  'teddy bear', 'hair drier', 'toothbrush',
]; // prettier-ignore

export type Rng = () => number;

/** mulberry32: a seeded [0, 1) generator, so every run seeds the same data. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A v4-shaped UUID from the seeded generator, the same shape as the app's randomUUID ids. */
export function uuid(rng: Rng): string {
  const word = () =>
    Math.floor(rng() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  const s = `${word()}${word()}${word()}${word()}`;
  const variant = '89ab'[parseInt(s[16]!, 16) & 3]!;
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-${variant}${s.slice(17, 20)}-${s.slice(20)}`;
}

/** Draws a label with probability ∝ 1/rank (Zipf, s = 1): "person" ~20%, "toothbrush" ~0.25%. */
export function zipf(rng: Rng, labels: readonly string[] = COCO_LABELS): () => string {
  const weights = labels.map((_, rank) => 1 / (rank + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  const cumulative = weights.map((w) => (sum += w / total));
  return () => {
    const x = rng();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return labels[lo]!;
  };
}

/** A UUIDv7 for a creation time, as the app's newImageId makes them (time-ordered ids). */
export function uuidV7(rng: Rng, ms: number): string {
  const hex = (digits: number) =>
    Math.floor(rng() * 16 ** digits)
      .toString(16)
      .padStart(digits, '0');
  const time = ms.toString(16).padStart(12, '0');
  const variant = '89ab'[Math.floor(rng() * 4)]!;
  return `${time.slice(0, 8)}-${time.slice(8)}-7${hex(3)}-${variant}${hex(3)}-${hex(6)}${hex(6)}`;
}

export interface SeedPlan {
  images: number;
  owners: string[];
  rng: Rng;
}

const BATCH = 50_000;
const UNTAGGED_ONE_IN = 20;
/** About 5% of images carry a tag a person added: one of these, Zipf-skewed too. */
const USER_TAGGED_ONE_IN = 20;
export const USER_LABELS = ['holiday', 'family', 'work', 'favourite', 'garden', 'receipts'];
const START = Date.parse('2024-01-01T00:00:00.000Z');

/**
 * Image i belongs to owners[i % owners.length] and is created i seconds after START, so every
 * owner has images.length / owners.length images spread over the whole history. 1 in 50 is
 * still pending and 1 in 50 failed (no tags either); of the rest, 1 in UNTAGGED_ONE_IN was
 * looked at and got no tag (the model found nothing it knows), and the others have 1–6
 * distinct Zipf-drawn labels.
 */
export function seedCatalog(file: string, plan: SeedPlan): void {
  const db = new Database(file);
  try {
    // better-sqlite3 opens in SQLite's defensive mode, which silently keeps the rollback journal.
    db.unsafeMode(true);
    if (db.pragma('journal_mode = OFF', { simple: true }) !== 'off') {
      throw new Error('SQLite refused journal_mode = OFF.');
    }
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1000000'); // 1 GB: the B-trees being appended to stay in memory
    // Each insert fires the image_tags and tag_counts triggers, so SQLite opens a statement
    // journal for it; in a temp file that alone doubles the seeding time.
    db.pragma('temp_store = MEMORY');
    migrate(db);
    // The catalog's own INSERT: its triggers write image_tags and tag_counts, as in production.
    const addOwner = db.prepare(CATALOG_SQL.addOwner);
    for (const owner of plan.owners) addOwner.run({ owner });
    const insertImage = db.prepare(CATALOG_SQL.insertImage);
    const label = zipf(plan.rng);
    const userLabel = zipf(plan.rng, USER_LABELS);
    const batch = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i += 1) {
        const ms = START + i * 1000;
        // Drawn, not by position: a position modulo 50 would put them all on two owners.
        const draw = plan.rng();
        const status = draw < 0.02 ? 'pending' : draw < 0.04 ? 'failed' : 'tagged';
        const tagged = status === 'tagged';
        const names = new Set<string>();
        if (tagged && Math.floor(plan.rng() * UNTAGGED_ONE_IN) !== 0) {
          const count = 1 + Math.floor(plan.rng() * 6);
          while (names.size < count) names.add(label());
        }
        const tags = [...names].map((name) => ({
          name,
          confidence: Math.round((0.5 + plan.rng() * 0.5) * 1000) / 1000,
        }));
        insertImage.run({
          id: uuidV7(plan.rng, ms),
          owner: plan.owners[i % plan.owners.length]!,
          filename: `photo-${i}.jpg`,
          contentType: 'image/jpeg',
          size: 100_000 + Math.floor(plan.rng() * 3_000_000),
          status,
          createdAt: new Date(ms).toISOString(),
          taggedAt: tagged ? new Date(ms + 5000).toISOString() : null,
          error: status === 'failed' ? 'This is not an image.' : null,
          tags: encodeTags(tags),
          userTags:
            Math.floor(plan.rng() * USER_TAGGED_ONE_IN) === 0
              ? encodeTags([{ name: userLabel(), confidence: 1 }].filter((t) => !names.has(t.name)))
              : '[]',
          width: tagged ? 4032 : null,
          height: tagged ? 3024 : null,
          text: null,
        });
      }
    });
    for (let from = 0; from < plan.images; from += BATCH) {
      batch(from, Math.min(plan.images, from + BATCH));
    }
  } finally {
    db.close();
  }
}
