// Scores of bench/quality.ts, from the tags kept for each labelled image. Image-level: a COCO label
// or a broader word counts once per image, found or not, whatever the number of objects.
import { COCO_PARENTS } from '../../src/tagging/broader-words.js';
import type { LabelledImage } from './quality-set.js';

/** What the tagger left on one image: the names keepTags kept, and any text read. */
export interface Outcome {
  image: LabelledImage;
  tags: readonly string[];
  text?: string | undefined;
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export const COCO_NAMES: ReadonlySet<string> = new Set(Object.keys(COCO_PARENTS));
export const BROAD_NAMES: ReadonlySet<string> = new Set(
  Object.values(COCO_PARENTS)
    .flat()
    .filter((word) => !COCO_NAMES.has(word)),
);

/** Names a face reader may emit, and when each is right. */
const FACE_TRUTH: Record<string, (image: LabelledImage) => boolean> = {
  face: (image) => image.faces !== 'none',
  faces: (image) => image.faces !== 'none',
  portrait: (image) => image.portrait,
  group: (image) => image.faces === 'several',
};

/** Labels from pixel statistics, and the label of the set they answer (null: not scored). */
export const PROPERTY_TRUTH: Record<string, (image: LabelledImage) => boolean | null> = {
  'black and white': (image) => image.greyscale,
  night: (image) => image.night,
  sky: (image) => image.sky,
};

export const precision = ({ tp, fp }: Counts) => (tp + fp === 0 ? NaN : tp / (tp + fp));
export const recall = ({ tp, fn }: Counts) => (tp + fn === 0 ? NaN : tp / (tp + fn));
export const f1 = (c: Counts) => (2 * c.tp) / (2 * c.tp + c.fp + c.fn || 1);

function add(into: Counts, truth: ReadonlySet<string>, found: ReadonlySet<string>): void {
  for (const name of found) {
    if (truth.has(name)) into.tp += 1;
    else into.fp += 1;
  }
  for (const name of truth) if (!found.has(name)) into.fn += 1;
}

/** Counts of a set of names, over the images, against each image's labelled names. */
export function countNames(
  outcomes: readonly Outcome[],
  universe: ReadonlySet<string>,
  truthOf: (image: LabelledImage) => readonly string[],
): Counts {
  const counts = { tp: 0, fp: 0, fn: 0 };
  for (const { image, tags } of outcomes) {
    add(counts, new Set(truthOf(image)), new Set(tags.filter((tag) => universe.has(tag))));
  }
  return counts;
}

/** Each COCO label's counts over the images. */
export function perLabel(outcomes: readonly Outcome[]): Map<string, Counts> {
  const labels = new Map<string, Counts>();
  for (const { image, tags } of outcomes) {
    const found = new Set(tags.filter((tag) => COCO_NAMES.has(tag)));
    for (const name of new Set([...image.coco, ...found])) {
      const counts = labels.get(name) ?? { tp: 0, fp: 0, fn: 0 };
      add(
        counts,
        new Set(image.coco.filter((n) => n === name)),
        found.has(name) ? new Set([name]) : new Set(),
      );
      labels.set(name, counts);
    }
  }
  return labels;
}

/** A yes/no label against a yes/no truth; images whose truth is null are left out. */
export function countBinary(
  outcomes: readonly Outcome[],
  label: string,
  truth: (image: LabelledImage) => boolean | null,
): Counts & { scored: number } {
  const counts = { tp: 0, fp: 0, fn: 0, scored: 0 };
  for (const { image, tags } of outcomes) {
    const expected = truth(image);
    if (expected === null) continue;
    counts.scored += 1;
    const found = tags.includes(label);
    if (found && expected) counts.tp += 1;
    else if (found) counts.fp += 1;
    else if (expected) counts.fn += 1;
  }
  return counts;
}

/** Counts on `outcomes` of the face labels that any of `emittedIn` carries. */
export function faceCounts(
  outcomes: readonly Outcome[],
  emittedIn: readonly Outcome[] = outcomes,
): Map<string, Counts> {
  const emitted = new Set(emittedIn.flatMap(({ tags }) => tags));
  const result = new Map<string, Counts>();
  for (const [label, truth] of Object.entries(FACE_TRUTH)) {
    if (emitted.has(label)) result.set(label, countBinary(outcomes, label, truth));
  }
  return result;
}

const wordsOf = (text: string) =>
  text
    .toLowerCase()
    .split(/\s+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter(Boolean);

/** Legible words read (case-insensitive, each labelled word once per occurrence). */
export function wordsRead(outcomes: readonly Outcome[]): {
  read: number;
  of: number;
  images: number;
} {
  let read = 0;
  let of = 0;
  let images = 0;
  for (const { image, text } of outcomes) {
    if (image.words.length === 0) continue;
    images += 1;
    const seen = new Set(wordsOf(text ?? ''));
    for (const word of image.words.flatMap(wordsOf)) {
      of += 1;
      if (seen.has(word)) read += 1;
    }
  }
  return { read, of, images };
}

/** Images with no tag at all (text read does not count: it is not a tag). */
export const untagged = (outcomes: readonly Outcome[]) =>
  outcomes.filter(({ tags }) => tags.length === 0).length;
