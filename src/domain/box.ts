// Boxes and scores as fractions: one clamp for every tagger and every catalog that reads them back.
import type { Box } from './image.js';

/** A score or coordinate forced into 0–1; NaN, which no model should send, counts as 0. */
export const clamp01 = (n: number): number => (Number.isNaN(n) ? 0 : Math.min(1, Math.max(0, n)));

/** 1/10000 of the frame: finer than any pixel an outline is drawn on, and short in JSON. */
const r = (n: number): number => Math.round(n * 10_000) / 10_000;

/** A box clipped to the frame, or undefined when it has no area left (nothing to outline). */
export function clipBox({ left, top, width, height }: Box): Box | undefined {
  const l = clamp01(left);
  const t = clamp01(top);
  const w = clamp01(left + width) - l;
  const h = clamp01(top + height) - t;
  return w > 0 && h > 0 ? { left: r(l), top: r(t), width: r(w), height: r(h) } : undefined;
}
