// What processing needs from an upload's bytes, from one decode: the thumbnail to store and the
// pixels to hand to the tagger. Decoding is the costly part of both (about 8% of an image's CPU
// when each decoded the bytes for itself).
import { decodeUpright, pixelsForTagging, type DecodedImage } from './decode.js';
import { encodeThumbnail } from './thumbnail.js';

export interface PreparedUpload {
  /** THUMBNAIL_TYPE bytes. */
  thumbnail: Buffer;
  /** For the tagger: upright, longest side at most TAGGING_MAX_SIDE, RGB. */
  pixels: DecodedImage;
  /** Upright width and height of the upload itself. */
  dimensions: { width: number; height: number };
}

/** Throws UnprocessableImageError when the bytes cannot be decoded. */
export async function prepareUpload(bytes: Uint8Array): Promise<PreparedUpload> {
  const decoded = await decodeUpright(bytes);
  // Both run on sharp's own threads, side by side.
  const [thumbnail, pixels] = await Promise.all([
    encodeThumbnail(decoded),
    pixelsForTagging(decoded),
  ]);
  return { thumbnail, pixels, dimensions: decoded.original };
}
