// processUpload(objectKey): the one way an uploaded object becomes a tagged (or failed) image.
// The local worker calls it for each job and the S3 event handler for each record. At-least-once
// delivery is expected: an image that is no longer pending is left as it is, so a duplicate
// delivery costs one catalog read and never a second set of tags.
import { TransientError, UnprocessableImageError } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import { BlobNotFoundError, BlobTooLargeError } from '../storage/blob-store.js';
import { parseObjectKey, thumbnailKey } from '../domain/object-keys.js';
import { keepTags } from '../tagging/keep-tags.js';
import type { Tagger } from '../tagging/tagger.js';
import { uploadDeadline, type ImagesContext } from './context.js';
import { prepareUpload } from '../imaging/prepare-upload.js';
import { sniffImageType } from '../imaging/sniff-image-type.js';
import { THUMBNAIL_TYPE } from '../imaging/thumbnail.js';
import { ALLOWED_IMAGE_TYPES, describeImageType } from '../domain/content-types.js';

export interface ProcessingContext extends ImagesContext {
  /** Lazy: the first upload pays for loading the model, the API never does. */
  tagger: () => Promise<Tagger>;
  tagging: { minConfidence: number | undefined; max: number };
  maxUploadBytes: number;
  log: Logger;
}

export type ProcessOutcome =
  | { outcome: 'tagged'; tags: number }
  | { outcome: 'failed'; error: string }
  | { outcome: 'skipped'; reason: string }
  /** The bytes have not arrived yet; look again at retryAt. */
  | { outcome: 'awaiting-upload'; retryAt: Date };

export interface ProcessOptions {
  /**
   * The caller will not retry after this call: a transient failure marks the image failed
   * instead of being thrown, so no image stays pending for ever.
   */
  finalAttempt: boolean;
}

const NOT_AN_IMAGE = `The file is not ${listOfTypes()} image.`;

/** "a JPEG, PNG, WebP or GIF": from the allowed types, in their order. */
function listOfTypes(): string {
  const names = ALLOWED_IMAGE_TYPES.map(describeImageType);
  return `a ${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

export const TAGGER_UNAVAILABLE =
  'The image could not be tagged: the recognition service is unavailable. Try Retag later.';
const INTERNAL_FAILURE =
  'The image could not be tagged because of an error on our side. Try Retag later.';

export async function processUpload(
  ctx: ProcessingContext,
  key: string,
  options: ProcessOptions,
): Promise<ProcessOutcome> {
  const parsed = parseObjectKey(key);
  if (!parsed) return { outcome: 'skipped', reason: 'not an image key' };
  const { ownerId, imageId } = parsed;
  const image = await ctx.catalog.get(ownerId, imageId);
  if (!image) {
    // Deleted, and the bytes came after the DELETE (the signed URL was still valid): nothing
    // would ever list or remove them, so they go now.
    await ctx.blobs.remove(key);
    return { outcome: 'skipped', reason: 'no such image (deleted?)' };
  }
  if (image.status !== 'pending') return { outcome: 'skipped', reason: `already ${image.status}` };

  const fail = async (error: string): Promise<ProcessOutcome> => {
    await ctx.catalog.markFailed(ownerId, imageId, error);
    return { outcome: 'failed', error };
  };

  try {
    let bytes: Buffer;
    try {
      bytes = await ctx.blobs.read(key, ctx.maxUploadBytes);
    } catch (error) {
      if (error instanceof BlobTooLargeError) {
        return await fail(`The file is larger than the ${ctx.maxUploadBytes} bytes allowed.`);
      }
      if (!(error instanceof BlobNotFoundError)) throw error;
      const deadline = uploadDeadline(ctx, image.createdAt);
      if (ctx.now() < deadline) return { outcome: 'awaiting-upload', retryAt: deadline };
      return await fail('No file was uploaded before the upload URL expired. Upload it again.');
    }

    const actual = sniffImageType(bytes);
    if (!actual) {
      return await fail(NOT_AN_IMAGE);
    }
    if (actual !== image.contentType) {
      return await fail(
        `The file is a ${describeImageType(actual)} image but was uploaded as ${image.contentType}. Upload it again with Content-Type ${actual}.`,
      );
    }

    const started = performance.now();
    // Decoded once, for the thumbnail and the tagger alike. Before tagging: bytes that cannot be
    // decoded fail here, without a call to the tagger, and a tagged image always has its thumbnail.
    const prepared = await prepareUpload(bytes);
    const thumbnail = thumbnailKey(ownerId, imageId);
    await ctx.blobs.put(thumbnail, prepared.thumbnail, THUMBNAIL_TYPE);
    // A DELETE that ran meanwhile found no thumbnail to remove; any later one will find it.
    if (!(await ctx.catalog.get(ownerId, imageId))) {
      await ctx.blobs.remove(thumbnail);
      return { outcome: 'skipped', reason: 'deleted while it was processed' };
    }
    const tagger = await ctx.tagger();
    const found = await tagger.tag({ bytes, contentType: actual, pixels: prepared.pixels });
    const tags = keepTags(found.labels, {
      minConfidence: ctx.tagging.minConfidence ?? tagger.defaultMinConfidence,
      max: ctx.tagging.max,
    });
    await ctx.catalog.markTagged(ownerId, imageId, {
      labels: tags,
      taggedAt: ctx.now().toISOString(),
      text: found.text,
      ...prepared.dimensions,
    });
    ctx.log.info(
      {
        imageId,
        tagger: tagger.name,
        tags: tags.length,
        ms: Math.round(performance.now() - started),
      },
      'image tagged',
    );
    return { outcome: 'tagged', tags: tags.length };
  } catch (error) {
    if (error instanceof UnprocessableImageError) return fail(error.message);
    if (!options.finalAttempt) throw error;
    ctx.log.error({ err: error, imageId }, 'tagging failed after every retry');
    return fail(error instanceof TransientError ? TAGGER_UNAVAILABLE : INTERNAL_FAILURE);
  }
}
