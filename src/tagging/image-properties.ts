// Labels from pixel statistics rather than a model: `black and white`, `night`, `sky`.
// Black and white: measured on a labelled set of real images from Debian's python3-skimage and the
// test photos (BENCHMARKS.md, section 3): every greyscale photo has no colourful pixel at all,
// every colour one at least 5% (a night-sky photo, the least), so the cut-off at 1% is far from
// both. A uniform or nearly flat image (a blank page, a solid fill) is not a photograph in black
// and white: it also needs a tonal range.
// Night: a dark photo whose top third (the sky, outdoors) is dark, smooth and not warm or green,
// with lights in the picture: a dark room is warm, dark foliage green and busy, a dark studio
// background around a flower teal. Calibrated on the `tune` photos of bench/quality
// (labels.json; BENCHMARKS.md, Quality): 2 of 2 night photos, no false tag on the 46 others. A
// night photo without lights (a dark misty lake) is missed, on purpose: without lights a dark
// photo is as often not night.
// Sky: most of the top third is smooth and sky-blue (blue over red, not under green, not dark).
// Calibrated on the same tune photos (BENCHMARKS.md, Quality): a grey or white overcast sky is
// left out, on purpose, since a smooth bright grey top is as often a wall or a ceiling.
import { roundFraction } from '../domain/box.js';
import { luma, type DecodedImage } from '../imaging/decode.js';
import type { Detection } from './tagger.js';

export const BLACK_AND_WHITE = 'black and white';
export const NIGHT = 'night';
export const SKY = 'sky';

/** A pixel whose channels differ by more than this (of 255) has a colour. */
const CHROMA = 24;
/** Below this share of colourful pixels an image is black and white. */
const MAX_COLOURFUL = 0.01;
/** Darkest and lightest 5% of pixels at least this far apart in luma (of 255). */
const MIN_RANGE = 64;

/** Night: the median luma (of 255) of the whole image, and of its top third, below these. */
const NIGHT_MAX_MEDIAN = 80;
const NIGHT_MAX_SKY_MEDIAN = 60;
/** The top third's mean blue at least its green's, and not far below its red's (of 255). */
const NIGHT_SKY_BLUE_OVER_GREEN = 0;
const NIGHT_SKY_BLUE_OVER_RED = -8;
/** The top third smooth: mean luma step to the pixels left and above, below this (of 255). */
const NIGHT_MAX_SKY_DETAIL = 8;
/** Lights: the share of pixels brighter than LIGHT_LUMA, between these. */
const LIGHT_LUMA = 200;
const NIGHT_MIN_LIGHTS = 0.004;
const NIGHT_MAX_LIGHTS = 0.25;

/** A sky pixel: its luma step to the pixels left and above together below this (of 255)… */
const SKY_MAX_STEP = 6;
/** …blue above red by this much, green at most this much above blue, and luma above this. */
const SKY_BLUE_OVER_RED = 12;
const SKY_GREEN_OVER_BLUE = 8;
const SKY_MIN_LUMA = 60;
/** Sky: at least this share of the top third's pixels are sky pixels. */
const SKY_MIN_SHARE = 0.4;

/** Fewer pixels than this (an icon) say too little. */
const MIN_PIXELS = 32 * 32;

/** What one pass over the pixels counts, for every property. */
interface PixelStats {
  pixels: number;
  colourful: number;
  /** Pixels brighter than LIGHT_LUMA. */
  lights: number;
  /** How many pixels have each luma. */
  lumas: Uint32Array;
  /** The top third of the rows: its pixels, lumas, colour balance and detail, summed. */
  sky: {
    pixels: number;
    lumas: Uint32Array;
    blueOverGreen: number;
    blueOverRed: number;
    detail: number;
    /** Pixels smooth and sky-blue. */
    blue: number;
  };
}

/** The labels the pixels of an RGB image (3 bytes a pixel) show. */
export function imageProperties(image: DecodedImage): Detection[] {
  if (image.data.length / 3 < MIN_PIXELS) return [];
  const stats = pixelStats(image);
  return [blackAndWhite(stats), night(stats), sky(stats)]
    .filter((found) => found !== undefined)
    .map((found) => ({ ...found, confidence: roundFraction(found.confidence) }));
}

function pixelStats({ data, width }: DecodedImage): PixelStats {
  const pixels = Math.floor(data.length / 3);
  const skyEnd = Math.floor(Math.floor(pixels / width) / 3) * width * 3;
  const stats: PixelStats = {
    pixels,
    colourful: 0,
    lights: 0,
    lumas: new Uint32Array(256),
    sky: {
      pixels: skyEnd / 3,
      lumas: new Uint32Array(256),
      blueOverGreen: 0,
      blueOverRed: 0,
      detail: 0,
      blue: 0,
    },
  };
  const { sky } = stats;
  const above = new Uint8Array(width); // the lumas of the row above, for the sky's detail
  for (let i = 0, x = 0; i + 2 < data.length; i += 3, x = x + 1 === width ? 0 : x + 1) {
    const r = data[i]!;
    const g = data[i + 1]!;
    const b = data[i + 2]!;
    if (Math.max(r, g, b) - Math.min(r, g, b) > CHROMA) stats.colourful += 1;
    const y = luma(r, g, b);
    stats.lumas[y]! += 1;
    if (y > LIGHT_LUMA) stats.lights += 1;
    if (i < skyEnd) {
      sky.lumas[y]! += 1;
      sky.blueOverGreen += b - g;
      sky.blueOverRed += b - r;
      // Left: this row's, just written; above: the row before's, about to be replaced.
      const step =
        (x > 0 ? Math.abs(y - above[x - 1]!) : 0) + (i >= width * 3 ? Math.abs(y - above[x]!) : 0);
      sky.detail += step;
      above[x] = y;
      if (
        step < SKY_MAX_STEP &&
        b - r > SKY_BLUE_OVER_RED &&
        g - b <= SKY_GREEN_OVER_BLUE &&
        y > SKY_MIN_LUMA
      ) {
        sky.blue += 1;
      }
    }
  }
  return stats;
}

function blackAndWhite({ pixels, colourful, lumas }: PixelStats): Detection | undefined {
  const share = colourful / pixels;
  if (share >= MAX_COLOURFUL || range(lumas, pixels) < MIN_RANGE) return undefined;
  // 1 for no colour at all, down to 0.5 at the cut-off.
  return { name: BLACK_AND_WHITE, confidence: 1 - share / MAX_COLOURFUL / 2 };
}

function night({ pixels, lights, lumas, sky }: PixelStats): Detection | undefined {
  if (sky.pixels === 0) return undefined;
  const skyMedian = quantile(sky.lumas, sky.pixels, 0.5);
  const isNight =
    quantile(lumas, pixels, 0.5) < NIGHT_MAX_MEDIAN &&
    skyMedian < NIGHT_MAX_SKY_MEDIAN &&
    sky.blueOverGreen >= NIGHT_SKY_BLUE_OVER_GREEN * sky.pixels &&
    sky.blueOverRed >= NIGHT_SKY_BLUE_OVER_RED * sky.pixels &&
    sky.detail < NIGHT_MAX_SKY_DETAIL * sky.pixels &&
    lights >= NIGHT_MIN_LIGHTS * pixels &&
    lights <= NIGHT_MAX_LIGHTS * pixels;
  // 1 for a black sky, down to 0.5 at the cut-off.
  return isNight
    ? { name: NIGHT, confidence: 1 - skyMedian / NIGHT_MAX_SKY_MEDIAN / 2 }
    : undefined;
}

function sky({ sky }: PixelStats): Detection | undefined {
  if (sky.pixels === 0) return undefined;
  const share = sky.blue / sky.pixels;
  // 0.5 at the cut-off, up to 1 for a top third all sky.
  return share >= SKY_MIN_SHARE
    ? { name: SKY, confidence: 0.5 + ((share - SKY_MIN_SHARE) / (1 - SKY_MIN_SHARE)) * 0.5 }
    : undefined;
}

/** The luma below which `fraction` of the pixels lie. */
function quantile(lumas: Uint32Array, pixels: number, fraction: number): number {
  let seen = 0;
  for (let luma = 0; luma < 256; luma += 1) {
    seen += lumas[luma]!;
    if (seen >= pixels * fraction) return luma;
  }
  return 255;
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
