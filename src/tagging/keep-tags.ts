// One rule for every tagger, so the threshold and the count mean the same whichever model
// produced the labels, and the catalog only ever sees clean, unique names.
import { clamp01, clipBox } from '../domain/box.js';
import type { Box, Label } from '../domain/image.js';
import { normaliseTagName } from '../domain/tag-name.js';
import type { Detection } from './tagger.js';

export interface KeepTagsOptions {
  /** Tags scoring at or above it are kept. */
  minConfidence: number;
  /** Most labels kept, broader words not counted (TAG_MAX). */
  max: number;
}

const byConfidence = ([a, ca]: [string, number], [b, cb]: [string, number]) =>
  cb - ca || (a < b ? -1 : a > b ? 1 : 0);

/**
 * The labels at or above the cut-off, at most `max` of them, best first; then the broader words
 * of those kept (Detection.parents), each at the confidence of its best kept label, unless a kept
 * label has that name already. A kept label keeps the box of its best-scoring detection.
 */
export function keepTags(
  tags: readonly Detection[],
  { minConfidence, max }: KeepTagsOptions,
): Label[] {
  const best = new Map<string, number>();
  const boxes = new Map<string, Box | undefined>();
  const parents = new Map<string, Set<string>>();
  for (const tag of tags) {
    const name = normaliseTagName(tag.name);
    if (!name) continue;
    const confidence = clamp01(tag.confidence);
    if (confidence > (best.get(name) ?? -1)) {
      best.set(name, confidence);
      boxes.set(name, tag.box && clipBox(tag.box));
    }
    for (const parent of tag.parents ?? []) {
      const word = normaliseTagName(parent);
      if (word) parents.set(name, (parents.get(name) ?? new Set()).add(word));
    }
  }
  const kept = [...best]
    .filter(([, confidence]) => confidence >= minConfidence)
    .sort(byConfidence)
    .slice(0, Math.max(0, Math.floor(max)));
  const keptNames = new Set(kept.map(([name]) => name));
  const broader = new Map<string, number>();
  for (const [name, confidence] of kept) {
    for (const word of parents.get(name) ?? []) {
      if (!keptNames.has(word) && confidence > (broader.get(word) ?? -1)) {
        broader.set(word, confidence);
      }
    }
  }
  // A broader word names no single object, so it has no box.
  return [...kept, ...broader].sort(byConfidence).map(([name, confidence]) => {
    const box = keptNames.has(name) ? boxes.get(name) : undefined;
    return box ? { name, confidence, box } : { name, confidence };
  });
}
