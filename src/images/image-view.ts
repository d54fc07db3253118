// The Image of the HTTP contract, as a client sees it: no owner id, plus short-lived URLs of the
// image and (once tagged) of its thumbnail.
import type { ImageRecord, ImageView } from '../domain/image.js';
import type { BlobStore } from '../storage/blob-store.js';
import { objectKey, thumbnailKey } from '../domain/object-keys.js';

export async function toImageView(image: ImageRecord, blobs: BlobStore): Promise<ImageView> {
  return (await toImageViews([image], blobs))[0]!;
}

/** The views of many images, their URLs asked for in one call (a page holds up to 40). */
export async function toImageViews(
  images: readonly ImageRecord[],
  blobs: Pick<BlobStore, 'createDownloadUrls'>,
): Promise<ImageView[]> {
  const keys: string[] = [];
  for (const image of images) {
    keys.push(objectKey(image.ownerId, image.id));
    // processUpload stores the thumbnail before it marks the image tagged.
    if (image.status === 'tagged') keys.push(thumbnailKey(image.ownerId, image.id));
  }
  const urls = await blobs.createDownloadUrls(keys);
  let next = 0;
  return images.map((image) => {
    const view: ImageView = {
      id: image.id,
      filename: image.filename,
      contentType: image.contentType,
      size: image.size,
      status: image.status,
      tags: image.tags,
      createdAt: image.createdAt,
    };
    if (image.taggedAt) view.taggedAt = image.taggedAt;
    if (image.error) view.error = image.error;
    if (image.width !== undefined) view.width = image.width;
    if (image.height !== undefined) view.height = image.height;
    if (image.text) view.text = image.text;
    view.url = urls[next++];
    if (image.status === 'tagged') view.thumbnailUrl = urls[next++];
    return view;
  });
}
