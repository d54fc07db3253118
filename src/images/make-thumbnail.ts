// The gallery's thumbnail: WebP, longest side THUMBNAIL_SIZE, upright (EXIF orientation applied,
// then dropped with the rest of the metadata), never enlarged. An animated GIF gives its first frame.
import { openWithSharp, withSharpErrors } from './read-with-sharp.js';

export const THUMBNAIL_SIZE = 320;
export const THUMBNAIL_TYPE = 'image/webp';

export function makeThumbnail(bytes: Uint8Array): Promise<Buffer> {
  return withSharpErrors(async () =>
    (await openWithSharp(bytes))
      .rotate()
      .resize({
        width: THUMBNAIL_SIZE,
        height: THUMBNAIL_SIZE,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .webp({ quality: 75, effort: 2 })
      .toBuffer(),
  );
}
