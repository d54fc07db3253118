// DELETE /images/:id and POST /images/:id/retag.
import { ImageNotFound } from '../domain/errors.js';
import { objectKey, thumbnailKey } from '../domain/object-keys.js';
import type { ImagesContext } from './context.js';
import { toImageView } from './image-view.js';
import type { ImageView } from '../domain/image.js';
import { requireImage } from './read-images.js';

/** Removes the index entry first, so the image vanishes from every listing at once. */
export async function deleteImage(ctx: ImagesContext, ownerId: string, id: string): Promise<void> {
  if (!(await ctx.catalog.remove(ownerId, id))) throw new ImageNotFound();
  const key = objectKey(ownerId, id);
  await ctx.processing.cancel(key);
  await Promise.all([ctx.blobs.remove(key), ctx.blobs.remove(thumbnailKey(ownerId, id))]);
}

/** Back to pending, tagged again asynchronously from the stored bytes. */
export async function retagImage(
  ctx: ImagesContext,
  ownerId: string,
  id: string,
): Promise<ImageView> {
  const image = await requireImage(ctx, ownerId, id);
  await ctx.catalog.markPending(ownerId, id);
  await ctx.processing.enqueue(objectKey(ownerId, id));
  return toImageView(
    {
      ...image,
      status: 'pending',
      // The user's tags stay through a retag; the model's and what it read go.
      tags: image.tags.filter((tag) => tag.source === 'user'),
      taggedAt: undefined,
      error: undefined,
      text: undefined,
    },
    ctx.blobs,
  );
}
