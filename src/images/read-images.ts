// GET /images, GET /images/:id, GET /tags/:tag/images and GET /tags: reads, always scoped to the
// caller. Another user's image is indistinguishable from one that does not exist.
import type { ListQuery, Page, TagCountQuery } from '../catalog/image-catalog.js';
import type { ImageRecord, ImageView, TagCount } from '../domain/image.js';
import { ImageNotFound } from '../domain/errors.js';
import type { ImagesContext } from './context.js';
import { toImageView, toImageViews } from './image-view.js';

/**
 * A value that is the same exactly while the owner's listings (pages and tag counts, with the
 * download URLs in them) would come out the same, for a cache to key finished responses by
 * (http/listing-cache.ts, which reads it before the listing). undefined when the adapters cannot
 * tell (OpenSearch, S3): then nothing may be reused.
 */
export async function listingVersion(
  ctx: ImagesContext,
  ownerId: string,
): Promise<string | undefined> {
  const [urls, catalog] = await Promise.all([
    ctx.blobs.downloadUrlPeriod?.(),
    ctx.catalog.changeVersion?.(ownerId),
  ]);
  return urls === undefined || catalog === undefined ? undefined : `${catalog}@${urls}`;
}

export async function listImages(
  ctx: ImagesContext,
  ownerId: string,
  query: ListQuery,
): Promise<Page<ImageView>> {
  const page = await ctx.catalog.list(ownerId, query);
  return {
    items: await toImageViews(page.items, ctx.blobs),
    nextCursor: page.nextCursor,
  };
}

/** The caller's image, or the same 404 whether it does not exist or is someone else's. */
export async function requireImage(
  ctx: ImagesContext,
  ownerId: string,
  id: string,
): Promise<ImageRecord> {
  const image = await ctx.catalog.get(ownerId, id);
  if (!image) throw new ImageNotFound();
  return image;
}

export async function getImage(
  ctx: ImagesContext,
  ownerId: string,
  id: string,
): Promise<ImageView> {
  return toImageView(await requireImage(ctx, ownerId, id), ctx.blobs);
}

export function listTags(
  ctx: ImagesContext,
  ownerId: string,
  query: TagCountQuery,
): Promise<TagCount[]> {
  return ctx.catalog.countTags(ownerId, query);
}
