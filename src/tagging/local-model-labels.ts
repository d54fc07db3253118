// From the model's detections to labels: one per class, at its best score, with its broader words
// (broader-words.ts). CenterNet reports a box per object, so a street photo has many "car"s; a tag
// says only that there is one.
import type * as HumanModule from '@vladmandic/human';
import { cocoParents } from './broader-words.js';
import type { Detection } from './tagger.js';

/** Highest score first. */
export function toTags(objects: readonly HumanModule.ObjectResult[]): Detection[] {
  const best = new Map<string, number>();
  for (const { label, score } of objects) {
    const name = String(label).trim().toLowerCase();
    if (name && score > (best.get(name) ?? -1)) best.set(name, score);
  }
  return [...best]
    .map(([name, confidence]) => ({ name, confidence, parents: cocoParents(name) }))
    .sort((a, b) => b.confidence - a.confidence);
}
