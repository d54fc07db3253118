// The pixels decoded for tagging (decode.ts), as a baseline sRGB JPEG: for a recognition service
// that reads only JPEG or PNG, or only so many bytes, the one form every such service reads. Made
// from the pixels already decoded, never from the upload's bytes a second time.
import type { DecodedImage } from './decode.js';
import { loadSharp, withSharpErrors } from './read-with-sharp.js';

export interface JpegOptions {
  /** 1–100. */
  quality: number;
  /** Enlarged, never shrunk, until its shorter side is at least this many pixels. */
  minSide?: number;
}

export function encodeJpeg(
  { data, width, height }: DecodedImage,
  { quality, minSide = 0 }: JpegOptions,
): Promise<Buffer> {
  return withSharpErrors(async () => {
    const { default: sharp } = await loadSharp();
    let image = sharp(data, { raw: { width, height, channels: 3 } });
    const shorter = Math.min(width, height);
    if (shorter < minSide) {
      const scale = minSide / shorter;
      image = image.resize({
        width: Math.ceil(width * scale),
        height: Math.ceil(height * scale),
        fit: 'fill',
      });
    }
    // 4:4:4: no colour detail halved, which keeps small coloured lettering legible.
    return image.jpeg({ quality, chromaSubsampling: '4:4:4' }).toBuffer();
  });
}
