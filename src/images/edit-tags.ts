// A person's tag edits: one tag on one image (PUT/DELETE /images/:id/tags/:tag), one edit on many
// images (POST /images/tags), and a tag renamed or removed on every image (PATCH/DELETE
// /tags/:tag). Names arrive normalised and valid (domain/tag-name.ts); what an edit means is
// domain/tag-edits.ts's, and the catalog applies it atomically.
import { TagNotFound } from '../domain/errors.js';
import type { ImageView, TagCount } from '../domain/image.js';
import type { TagEdit } from '../domain/tag-edits.js';
import type { ImagesContext } from './context.js';
import { toImageViews } from './image-view.js';

/** The edited images, in the order of `ids`; all or none of them changed. */
export async function editImageTags(
  ctx: ImagesContext,
  ownerId: string,
  ids: string[],
  edit: TagEdit,
): Promise<ImageView[]> {
  const images = await ctx.catalog.editTags(ownerId, ids, edit);
  return toImageViews(images, ctx.blobs);
}

export async function addImageTag(
  ctx: ImagesContext,
  ownerId: string,
  id: string,
  name: string,
): Promise<ImageView> {
  const [image] = await editImageTags(ctx, ownerId, [id], { add: [name], remove: [] });
  return image!;
}

export async function removeImageTag(
  ctx: ImagesContext,
  ownerId: string,
  id: string,
  name: string,
): Promise<ImageView> {
  const [image] = await editImageTags(ctx, ownerId, [id], { add: [], remove: [name] });
  return image!;
}

/** Throws TagNotFound when no image of the owner has `from` (a rename of nothing is a mistake). */
export async function renameTagEverywhere(
  ctx: ImagesContext,
  ownerId: string,
  from: string,
  into: string,
): Promise<TagCount> {
  if (!(await hasTag(ctx, ownerId, from))) throw new TagNotFound(from);
  return ctx.catalog.renameTag(ownerId, from, into);
}

/** Idempotent, like removing a tag from one image: a tag on no image is already gone. */
export async function removeTagEverywhere(
  ctx: ImagesContext,
  ownerId: string,
  name: string,
): Promise<void> {
  await ctx.catalog.removeTag(ownerId, name);
}

async function hasTag(ctx: ImagesContext, ownerId: string, name: string): Promise<boolean> {
  const page = await ctx.catalog.list(ownerId, { tags: [name], limit: 1 });
  return page.items.length > 0;
}
