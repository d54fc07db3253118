// One rule for every tagger, so the threshold and the count mean the same whichever model
// produced the labels, and the catalog only ever sees clean, unique names.
import type { Label } from '../domain/image.js';
import { normaliseTagName } from '../domain/tag-name.js';

export interface KeepTagsOptions {
  /** Tags scoring at or above it are kept. */
  minConfidence: number;
  /** Most tags kept. */
  max: number;
}

const clamp01 = (n: number): number => (Number.isNaN(n) ? 0 : Math.min(1, Math.max(0, n)));

export function keepTags(tags: Label[], { minConfidence, max }: KeepTagsOptions): Label[] {
  const best = new Map<string, number>();
  for (const tag of tags) {
    const name = normaliseTagName(tag.name);
    if (!name) continue;
    const confidence = clamp01(tag.confidence);
    if (confidence > (best.get(name) ?? -1)) best.set(name, confidence);
  }
  return [...best]
    .filter(([, confidence]) => confidence >= minConfidence)
    .sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, Math.max(0, Math.floor(max)))
    .map(([name, confidence]) => ({ name, confidence }));
}
