// Labels from pixel statistics rather than a model: `black and white`. Measured on a labelled set
// of real images from Debian's python3-skimage and the test photos (BENCHMARKS.md, section 3): every
// greyscale photo has no colourful pixel at all, every colour one at least 5% (a night-sky photo,
// the least), so the cut-off at 1% is far from both. A uniform or nearly flat image (a blank page,
// a solid fill) is not a photograph in black and white: it also needs a tonal range.
import type { DecodedImage } from '../imaging/decode.js';
import type { Detection } from './tagger.js';

export const BLACK_AND_WHITE = 'black and white';

/** A pixel whose channels differ by more than this (of 255) has a colour. */
const CHROMA = 24;
/** Below this share of colourful pixels an image is black and white. */
const MAX_COLOURFUL = 0.01;
/** Darkest and lightest 5% of pixels at least this far apart in luma (of 255). */
const MIN_RANGE = 64;

/** Fewer pixels than this (an icon) say too little. */
const MIN_PIXELS = 32 * 32;

/** The labels the pixels of an RGB image (3 bytes a pixel) show. */
export function imageProperties({ data }: DecodedImage): Detection[] {
  const pixels = Math.floor(data.length / 3);
  if (pixels < MIN_PIXELS) return [];
  let colourful = 0;
  const lumas = new Uint32Array(256);
  for (let i = 0; i + 2 < data.length; i += 3) {
    const r = data[i]!;
    const g = data[i + 1]!;
    const b = data[i + 2]!;
    if (Math.max(r, g, b) - Math.min(r, g, b) > CHROMA) colourful += 1;
    lumas[(r * 77 + g * 150 + b * 29) >> 8]! += 1;
  }
  const share = colourful / pixels;
  if (share >= MAX_COLOURFUL || range(lumas, pixels) < MIN_RANGE) return [];
  // 1 for no colour at all, down to 0.5 at the cut-off.
  return [{ name: BLACK_AND_WHITE, confidence: 1 - share / MAX_COLOURFUL / 2 }];
}

/** The luma between the darkest 5% and the lightest 5% of the pixels. */
function range(lumas: Uint32Array, pixels: number): number {
  const tail = pixels * 0.05;
  let low = 0;
  for (let seen = 0; low < 255 && seen + lumas[low]! <= tail; low += 1) seen += lumas[low]!;
  let high = 255;
  for (let seen = 0; high > 0 && seen + lumas[high]! <= tail; high -= 1) seen += lumas[high]!;
  return high - low;
}
