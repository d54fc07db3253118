// Where an image's bytes and its thumbnail live in the BlobStore, in every deployment.

/** Uploads are u/<owner id>/<image id>: S3 notifies onUpload for this prefix only. */
export function objectKey(ownerId: string, imageId: string): string {
  return `u/${ownerId}/${imageId}`;
}

/**
 * Thumbnails are t/<owner id>/<image id>.webp: outside u/, so storing one is never taken for an
 * upload (S3 notifies onUpload for u/ only) and a grant can name each prefix on its own.
 */
export function thumbnailKey(ownerId: string, imageId: string): string {
  return `t/${ownerId}/${imageId}.webp`;
}

const KEY = /^u\/([A-Za-z0-9._-]{1,128})\/([A-Za-z0-9-]{1,64})$/;

export function parseObjectKey(key: string): { ownerId: string; imageId: string } | undefined {
  const match = KEY.exec(key);
  return match ? { ownerId: match[1]!, imageId: match[2]! } : undefined;
}
