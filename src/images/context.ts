// What the image use cases may touch: the ports, nothing of HTTP, nothing of a vendor's SDK.
import type { ImageCatalog } from '../catalog/image-catalog.js';
import type { BlobStore } from '../storage/blob-store.js';

/** Where uploaded objects wait to be tagged: the local job queue, or (AWS) the onUpload function. */
export interface ProcessingQueue {
  /** Process the object as soon as possible (its bytes arrived, or a retag). */
  enqueue(key: string): Promise<void>;
  /** Forget a queued object (its image was deleted). A queue that holds nothing may no-op. */
  cancel(key: string): Promise<void>;
  /**
   * Look at the object again at `deadline` in case no upload ever comes, so the image ends
   * `failed` instead of `pending` for ever. An upload arriving before then replaces this.
   */
  expectUpload(key: string, deadline: Date): Promise<void>;
}

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
