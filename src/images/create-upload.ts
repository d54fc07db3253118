// POST /images: record a pending image and hand back a signed URL for its bytes. The image is
// processed once the store has the bytes (local upload route or S3 event), never before.
import type { SignedRequest } from '../storage/blob-store.js';
import { objectKey } from '../domain/object-keys.js';
import { uploadDeadline, type ImagesContext } from './context.js';
import { newImageId } from './image-id.js';
import { toImageView } from './image-view.js';
import type { ImageView } from '../domain/image.js';

export interface NewUpload {
  contentType: string;
  size: number;
  filename?: string | undefined;
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

export async function createUpload(
  ctx: ImagesContext,
  ownerId: string,
  upload: NewUpload,
): Promise<{ image: ImageView; upload: SignedRequest }> {
  const createdAt = ctx.now();
  const id = newImageId(createdAt.getTime());
  const key = objectKey(ownerId, id);
  const signed = await ctx.blobs.createUploadUrl(key, {
    contentType: upload.contentType,
    size: upload.size,
  });
  const image = {
    id,
    ownerId,
    filename: upload.filename ?? `${id}.${EXTENSIONS[upload.contentType] ?? 'img'}`,
    contentType: upload.contentType,
    size: upload.size,
    status: 'pending' as const,
    tags: [],
    createdAt: createdAt.toISOString(),
  };
  await ctx.catalog.insert(image);
  await ctx.processing.expectUpload(key, uploadDeadline(ctx, image.createdAt));
  return { image: await toImageView(image, ctx.blobs), upload: signed };
}
