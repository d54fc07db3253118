// The gallery's thumbnail: WebP, longest side THUMBNAIL_SIZE, upright (EXIF orientation applied,
// then dropped with the rest of the metadata), transparency kept, never enlarged. Made from the
// pixels decoded for tagging (decode.ts), never from the upload's bytes a second time.
import { openPixels, type UprightPixels } from './decode.js';
import { withSharpErrors } from './read-with-sharp.js';

export const THUMBNAIL_SIZE = 320;
export const THUMBNAIL_TYPE = 'image/webp';

export function encodeThumbnail(image: UprightPixels): Promise<Buffer> {
  return withSharpErrors(async () =>
    (await openPixels(image))
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
