// An upload decoded once: upright, scaled to what a tagger needs, alpha still there for the
// thumbnail; and the flat RGB a model reads, made from those pixels without decoding again.
// Imports only the domain (through read-with-sharp.ts) and sharp, lazily.
import type { Sharp } from 'sharp';
import { loadSharp, openWithSharp, withSharpErrors } from './read-with-sharp.js';

/**
 * Longest side of the pixels a tagger gets; larger images are scaled down, never up. Smaller
 * barely saved time and changed the local model's tags (BENCHMARKS.md, Tagging).
 */
export const TAGGING_MAX_SIDE = 1024;

/** Decoded sRGB, 8 bits a channel, row by row: RGB, or RGBA where the image has transparency. */
export interface UprightPixels {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
  /** The upload's own size, upright (before any scaling): what a person calls its dimensions. */
  original: { width: number; height: number };
}

/** What a model reads: packed 8-bit RGB, row by row, transparency flattened on white. */
export interface DecodedImage {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * EXIF orientation applied, scaled to fit maxSide, as raw sRGB with any alpha kept. A JPEG much
 * larger than maxSide is shrunk while it is decoded (libjpeg's scaling), cheaper than decoding it
 * whole. An animated image gives its first frame.
 */
export function decodeUpright(
  bytes: Uint8Array,
  maxSide = TAGGING_MAX_SIDE,
): Promise<UprightPixels> {
  return withSharpErrors(async () => {
    const image = await openWithSharp(bytes);
    const meta = await image.metadata(); // the header only: no second decode
    // EXIF orientations 5–8 turn the picture a quarter: its upright width is the stored height.
    const turned = (meta.orientation ?? 1) >= 5;
    const original = turned
      ? { width: meta.height, height: meta.width }
      : { width: meta.width, height: meta.height };
    const { data, info } = await image
      .rotate()
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const { width, height, channels } = info;
    if (channels !== 3 && channels !== 4) {
      throw new Error(`expected 3 or 4 channels, got ${channels}`);
    }
    return { data, width, height, channels, original };
  });
}

/** Rec. 601 luma (0–255) of one RGB pixel, in integers: what every pixel statistic here reads. */
export const luma = (r: number, g: number, b: number): number => (r * 77 + g * 150 + b * 29) >> 8;

/** Pixels this module decoded, opened again with sharp to make something else of them. */
export async function openPixels({ data, width, height, channels }: UprightPixels): Promise<Sharp> {
  const { default: sharp } = await loadSharp();
  return sharp(data, { raw: { width, height, channels } });
}

/** The model's RGB: as decoded when the image is opaque, else flattened on white. */
export async function pixelsForTagging(image: UprightPixels): Promise<DecodedImage> {
  const { width, height } = image;
  if (image.channels === 3) return { data: image.data, width, height };
  const data = await withSharpErrors(async () =>
    (await openPixels(image)).flatten({ background: '#ffffff' }).raw().toBuffer(),
  );
  return { data, width, height };
}

/** Decoded for a model alone, when no thumbnail is wanted (tests, benches). */
export async function decodeForModel(
  bytes: Uint8Array,
  maxSide = TAGGING_MAX_SIDE,
): Promise<DecodedImage> {
  return pixelsForTagging(await decodeUpright(bytes, maxSide));
}
