// What the image use cases may touch: the ports, nothing of HTTP, nothing of a vendor's SDK.
import type { ImageCatalog } from '../catalog/image-catalog.js';
import type { ProcessingQueue } from '../jobs/processing-queue.js';
import type { BlobStore } from '../storage/blob-store.js';

export interface ImagesContext {
  catalog: ImageCatalog;
  blobs: BlobStore;
  processing: ProcessingQueue;
  /** Lifetime of a signed upload URL: after it, an image with no bytes never gets any. */
  uploadUrlTtlSeconds: number;
  now: () => Date;
}

/** Slack after an upload URL expires, for a PUT that started just before expiry. */
export const UPLOAD_GRACE_MS = 60_000;

export function uploadDeadline(ctx: ImagesContext, createdAt: string): Date {
  return new Date(Date.parse(createdAt) + ctx.uploadUrlTtlSeconds * 1000 + UPLOAD_GRACE_MS);
}
