// From the model's detections to labels: one per class, at its best score. CenterNet reports a
// box per object, so a street photo has many "car"s; a tag says only that there is one.
import type * as HumanModule from '@vladmandic/human';
import type { Label } from '../domain/image.js';

/** Highest score first. */
export function toTags(objects: readonly HumanModule.ObjectResult[]): Label[] {
  const best = new Map<string, number>();
  for (const { label, score } of objects) {
    const name = String(label).trim().toLowerCase();
    if (name && score > (best.get(name) ?? -1)) best.set(name, score);
  }
  return [...best]
    .map(([name, confidence]) => ({ name, confidence }))
    .sort((a, b) => b.confidence - a.confidence);
}
