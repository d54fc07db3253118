// Boxes and scores as fractions: one clamp for every tagger and every catalog that reads them back.
import type { Box } from './image.js';

/** A score or coordinate forced into 0–1; NaN, which no model should send, counts as 0. */
export const clamp01 = (n: number): number => (Number.isNaN(n) ? 0 : Math.min(1, Math.max(0, n)));

/**
 * To 1/10000: finer than any pixel an outline is drawn on or any difference a score can make,
 * and short in JSON.
 */
export const roundFraction = (n: number): number => Math.round(n * 10_000) / 10_000;

/** A box clipped to the frame, or undefined when it has no area left (nothing to outline). */
export function clipBox({ x, y, w, h }: Box): Box | undefined {
  const left = clamp01(x);
  const top = clamp01(y);
  const width = clamp01(x + w) - left;
  const height = clamp01(y + h) - top;
  return width > 0 && height > 0
    ? {
        x: roundFraction(left),
        y: roundFraction(top),
        w: roundFraction(width),
        h: roundFraction(height),
      }
    : undefined;
}
