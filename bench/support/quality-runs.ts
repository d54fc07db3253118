// The tagger's raw answers for the quality set, cached so cut-offs and merges can be swept
// without running the model again. Each image is decoded as an upload is (prepareUpload: the one
// decode, the thumbnail, the model's pixels) and tagged by the tagger the configuration chooses,
// one image at a time so the process's CPU time between two points is that image's.
// Variants for test-time augmentation run the same tagger on other pixels of the same decode:
// mirrored, or cropped (the model squeezes any input to 512 × 512, so a crop is a second scale).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { prepareUpload } from '../../src/imaging/prepare-upload.js';
import { sniffImageType } from '../../src/imaging/sniff-image-type.js';
import type { DecodedImage } from '../../src/imaging/decode.js';
import type { Detection, Tagger } from '../../src/tagging/tagger.js';
import type { LabelledImage } from './quality-set.js';

export type Variant = 'plain' | 'flip' | 'centre' | 'tiles';

/** What the tagger answered for one image, and what that cost. */
export interface RawRun {
  labels: Detection[];
  text?: string;
  /** Process CPU (every thread) for the decode (plain only) and for the tagging, ms. */
  decodeCpuMs: number;
  tagCpuMs: number;
}

type Cache = { fingerprint: string; runs: Record<string, RawRun> };

const ROOT = join(import.meta.dirname, '..', '..');

/** Changes whenever the code that decodes or tags, or the chosen tagger, does. */
export function taggerFingerprint(env: NodeJS.ProcessEnv): string {
  const hash = createHash('sha256');
  for (const dir of ['src/imaging', 'src/tagging']) {
    const files = readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).sort();
    for (const file of files.filter((name) => /\.(ts|mjs|json)$/.test(name))) {
      hash
        .update(relative(ROOT, join(ROOT, dir, file)))
        .update(readFileSync(join(ROOT, dir, file)));
    }
  }
  for (const key of ['TAGGER', 'TAG_MIN_CONFIDENCE', 'TAG_MAX']) hash.update(`${key}=${env[key]}`);
  return hash.digest('hex').slice(0, 16);
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};

/** The same pixels, left and right swapped. */
function mirrored({ data, width, height }: DecodedImage): DecodedImage {
  const out = Buffer.allocUnsafe(data.length);
  for (let y = 0; y < height; y += 1) {
    const row = y * width * 3;
    for (let x = 0; x < width; x += 1)
      data.copy(out, row + (width - 1 - x) * 3, row + x * 3, row + x * 3 + 3);
  }
  return { data: out, width, height };
}

/** The rectangle (fractions of the frame) of the pixels, as an image of its own. */
function cropped(image: DecodedImage, [fx, fy, fw, fh]: readonly number[]): DecodedImage {
  const left = Math.round(image.width * fx!);
  const top = Math.round(image.height * fy!);
  const width = Math.max(1, Math.round(image.width * fw!));
  const height = Math.max(1, Math.round(image.height * fh!));
  const data = Buffer.allocUnsafe(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    const from = ((top + y) * image.width + left) * 3;
    image.data.copy(data, y * width * 3, from, from + width * 3);
  }
  return { data, width, height };
}

/** The pixels each variant runs the model on (tiles: four corners of 60%, overlapping). */
const VIEWS: Record<Variant, (image: DecodedImage) => DecodedImage[]> = {
  plain: (image) => [image],
  flip: (image) => [mirrored(image)],
  centre: (image) => [cropped(image, [1 / 6, 1 / 6, 2 / 3, 2 / 3])],
  tiles: (image) =>
    [
      [0, 0],
      [0.4, 0],
      [0, 0.4],
      [0.4, 0.4],
    ].map(([x, y]) => cropped(image, [x!, y!, 0.6, 0.6])),
};

/** A label seen in several views keeps its best score. */
function bestOf(answers: Detection[][]): Detection[] {
  const best = new Map<string, Detection>();
  for (const label of answers.flat()) {
    if (label.confidence > (best.get(label.name)?.confidence ?? -1)) best.set(label.name, label);
  }
  return [...best.values()];
}

/**
 * The raw answer for every image under `variant`, from the cache when it was made by the same
 * code and tagger, else by running the tagger (and then cached).
 */
export async function rawRuns(
  images: readonly LabelledImage[],
  read: (image: LabelledImage) => Buffer,
  variant: Variant,
  options: { dir: string; fingerprint: string; fresh: boolean; tagger: () => Promise<Tagger> },
): Promise<{ runs: Map<string, RawRun>; ran: number }> {
  const file = join(options.dir, 'cache', `${variant}.json`);
  const cache: Cache =
    !options.fresh && existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as Cache)
      : { fingerprint: options.fingerprint, runs: {} };
  if (cache.fingerprint !== options.fingerprint) cache.runs = {};
  cache.fingerprint = options.fingerprint;
  let ran = 0;
  for (const image of images) {
    if (cache.runs[image.sha256]) continue;
    const tagger = await options.tagger();
    const bytes = read(image);
    const contentType = sniffImageType(bytes);
    if (!contentType) throw new Error(`${image.id}: not an image type uploads accept`);
    let since = process.cpuUsage();
    const prepared = await prepareUpload(bytes);
    const decodeCpuMs = cpuMs(since);
    since = process.cpuUsage();
    const answers = [];
    let text: string | undefined;
    for (const pixels of VIEWS[variant](prepared.pixels)) {
      const found = await tagger.tag({ bytes, contentType, pixels });
      answers.push(found.labels);
      text ??= found.text;
    }
    const run: RawRun = { labels: bestOf(answers), decodeCpuMs, tagCpuMs: cpuMs(since) };
    if (text !== undefined) run.text = text;
    cache.runs[image.sha256] = run;
    ran += 1;
    process.stderr.write(`\r${variant}: ${ran} image(s) tagged`);
  }
  if (ran > 0) {
    process.stderr.write('\n');
    mkdirSync(join(options.dir, 'cache'), { recursive: true });
    writeFileSync(file, JSON.stringify(cache));
  }
  return { runs: new Map(Object.entries(cache.runs)), ran };
}
