// From the model's detections to labels: one per class, at its best score, with its broader words
// (broader-words.ts). CenterNet reports a box per object, so a street photo has many "car"s; a tag
// says only that there is one.
import type * as HumanModule from '@vladmandic/human';
import type { Box } from '../domain/image.js';
import { clipBox } from '../domain/box.js';
import { cocoParents } from './broader-words.js';
import type { Detection } from './tagger.js';

/** Highest score first; each label with its best-scoring object's box. */
export function toTags(objects: readonly HumanModule.ObjectResult[]): Detection[] {
  const best = new Map<string, Detection>();
  for (const { label, score, boxRaw } of objects) {
    const name = String(label).trim().toLowerCase();
    if (!name || score <= (best.get(name)?.confidence ?? -1)) continue;
    best.set(name, { name, confidence: score, box: toBox(boxRaw), parents: cocoParents(name) });
  }
  return [...best.values()].sort((a, b) => b.confidence - a.confidence);
}

/** Human's boxRaw, [x, y, width, height] as fractions, clipped to the frame. */
function toBox([x, y, w, h]: HumanModule.Box): Box | undefined {
  return clipBox({ x, y, w, h });
}
