// Tagging quality on a hand-labelled set of real photos, drawings and scans (bench/quality/
// labels.json; fetch the images first with bash bench/quality/fetch-set.sh). Each image goes
// through what an upload goes through (prepareUpload, the configured tagger, keepTags at the
// tagger's default cut-off or TAG_MIN_CONFIDENCE, TAG_MAX), and the kept tags are scored per split:
// photos `tune` (for choosing cut-offs) and `heldout` (for reporting them), and the non-photos.
// The raw answers are cached per variant (PIXTAG_QUALITY_DIR/cache), so cut-offs are swept without
// running the model again; a change in src/imaging or src/tagging runs it again.
// Run: npm run bench:quality [-- --tta] [--fresh]
//   --tta    also runs the model on mirrored pixels, a centre crop and four corner tiles, and
//            scores each merged with the plain run (max, mean, min of the two scores)
//   --fresh  ignores the cache
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAdapters, type Adapters } from '../src/adapters.js';
import { loadConfig } from '../src/config.js';
import { cocoParents } from '../src/tagging/broader-words.js';
import { keepTags } from '../src/tagging/keep-tags.js';
import type { Detection, Tagger } from '../src/tagging/tagger.js';
import { COCO_NAMES, type Outcome } from './support/quality-metrics.js';
import { chooseCutOff, reportTables, type Scored } from './support/quality-report.js';
import { rawRuns, taggerFingerprint, type RawRun, type Variant } from './support/quality-runs.js';
import { qualityDir, readSet, type LabelledImage } from './support/quality-set.js';
import { writeResults } from './support/results.js';

const args = process.argv.slice(2);
const tta = args.includes('--tta');
const fresh = args.includes('--fresh');
const CUT_OFFS = [0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6];

const dir = qualityDir();
const { images, read } = readSet(dir);
const dataDir = mkdtempSync(join(tmpdir(), 'pixtag-bench-quality-'));
// Gentle on a shared machine: one tagging thread unless TAG_WORKERS says otherwise.
const config = loadConfig({
  ...process.env,
  DATA_DIR: dataDir,
  PUBLIC_URL: 'http://pixtag.bench',
  LOG_LEVEL: 'silent',
  TAG_WORKERS: process.env.TAG_WORKERS ?? '1',
});
let adapters: Adapters | undefined;
let tagger: Tagger | undefined;
const loadTagger = async () => {
  adapters ??= await buildAdapters(config);
  return (tagger ??= await adapters.tagger());
};

type Merge = 'max' | 'mean' | 'min';
const MERGES: Record<Merge, (a: number, b: number) => number> = {
  max: Math.max,
  mean: (a, b) => (a + b) / 2,
  min: Math.min,
};

/** The plain run's labels, its COCO scores merged with another view's (missing: 0). */
function merged(plain: RawRun, other: RawRun | undefined, merge: Merge): Detection[] {
  if (!other) return plain.labels;
  const score = (run: RawRun) =>
    new Map(run.labels.filter((l) => COCO_NAMES.has(l.name)).map((l) => [l.name, l.confidence]));
  const [a, b] = [score(plain), score(other)];
  const names = new Set([...a.keys(), ...b.keys()]);
  const coco = [...names].map((name) => ({
    name,
    confidence: MERGES[merge](a.get(name) ?? 0, b.get(name) ?? 0),
    parents: cocoParents(name),
  }));
  return [...plain.labels.filter((l) => !COCO_NAMES.has(l.name)), ...coco].filter(
    (l) => l.confidence > 0,
  );
}

/** Every image's kept tags at a cut-off (per label where `perLabel` names one). */
function outcomes(
  labels: (image: LabelledImage) => Detection[],
  text: (image: LabelledImage) => string | undefined,
  cutOff: number,
  perLabel: ReadonlyMap<string, number> = new Map(),
): Outcome[] {
  return images.map((image) => {
    const above = labels(image).filter((l) => l.confidence >= (perLabel.get(l.name) ?? cutOff));
    const kept = keepTags(above, { minConfidence: 0, max: config.tagMax });
    return { image, tags: kept.map((tag) => tag.name), text: text(image) };
  });
}

try {
  const fingerprint = taggerFingerprint(process.env);
  const run = (variant: Variant) =>
    rawRuns(images, read, variant, { dir, fingerprint, fresh, tagger: loadTagger });
  const plain = await run('plain');
  const runOf = (image: LabelledImage) => plain.runs.get(image.sha256)!;
  const text = (image: LabelledImage) => runOf(image).text;
  const plainAt = (cutOff: number, perLabel?: ReadonlyMap<string, number>) =>
    outcomes((image) => runOf(image).labels, text, cutOff, perLabel);

  const defaultCutOff = config.tagMinConfidence ?? (await defaultMinConfidence());
  const sweep: Scored[] = CUT_OFFS.map((cutOff) => ({ cutOff, outcomes: plainAt(cutOff) }));
  const chosen = chooseCutOff(sweep);
  const variants: { name: string; cpuMs: number; sweep: Scored[] }[] = [];
  if (tta) {
    for (const variant of ['flip', 'centre', 'tiles'] as const) {
      const other = await run(variant);
      const cpuMs = mean([...other.runs.values()].map((r) => r.tagCpuMs));
      for (const merge of Object.keys(MERGES) as Merge[]) {
        const labels = (image: LabelledImage) =>
          merged(runOf(image), other.runs.get(image.sha256), merge);
        variants.push({
          name: `${variant}, ${merge}`,
          cpuMs,
          sweep: CUT_OFFS.map((cutOff) => ({ cutOff, outcomes: outcomes(labels, text, cutOff) })),
        });
      }
    }
  }
  const cpu = {
    decodeMs: mean([...plain.runs.values()].map((r) => r.decodeCpuMs)),
    tagMs: mean([...plain.runs.values()].map((r) => r.tagCpuMs)),
  };
  const summary = reportTables({
    images,
    defaultCutOff,
    sweep,
    chosen,
    atCutOff: plainAt,
    variants,
    cpu,
    cached: plain.ran === 0,
  });
  await writeResults('quality', summary);
} finally {
  await adapters?.close();
  rmSync(dataDir, { recursive: true, force: true });
}

/** The tagger's own default cut-off, asked of the tagger (loaded only for this when cached). */
async function defaultMinConfidence(): Promise<number> {
  return (await loadTagger()).defaultMinConfidence;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / (values.length || 1);
}
