// The thumbnail step of processUpload, run once per BlobStore adapter: the original goes in
// through the store, processUpload (real SQLite catalog, scripted tagger) makes the thumbnail,
// and the thumbnail is read back through the store and through its signed URL over HTTP, as
// the gallery fetches it. Size, format and orientation are read from the bytes with sharp.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteImageCatalog } from '../../src/catalog/sqlite.js';
import { openDatabase } from '../../src/db/database.js';
import { deleteImage } from '../../src/images/change-images.js';
import { processUpload, type ProcessingContext } from '../../src/images/process-upload.js';
import { getImage } from '../../src/images/read-images.js';
import { createLogger } from '../../src/logger.js';
import { BlobNotFoundError } from '../../src/storage/blob-store.js';
import { objectKey, thumbnailKey } from '../../src/domain/object-keys.js';
import { fixture } from '../support/local-app.js';
import { readFailure, type BlobStoreHarness } from './blob-store.contract.js';

/** A photo stored sideways: left half red, right half blue, EXIF orientation 6 (turn 90° right). */
async function sidewaysJpeg(): Promise<Buffer> {
  const half = { width: 200, height: 200, channels: 3 as const };
  const red = await sharp({ create: { ...half, background: '#ff0000' } })
    .png()
    .toBuffer();
  return sharp({ create: { width: 400, height: 200, channels: 3, background: '#0000ff' } })
    .composite([{ input: red, left: 0, top: 0 }])
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

export function thumbnailSuite(name: string, setup: () => Promise<BlobStoreHarness>) {
  describe(`processUpload thumbnails (${name})`, () => {
    let harness: BlobStoreHarness;
    let ctx: ProcessingContext;
    let dataDir: string;
    beforeAll(async () => {
      harness = await setup();
      dataDir = mkdtempSync(join(tmpdir(), 'pixtag-thumbnail-'));
      ctx = {
        catalog: new SqliteImageCatalog(openDatabase(join(dataDir, 'pixtag.db'))),
        blobs: harness.store,
        processing: {
          enqueue: async () => {},
          cancel: async () => {},
          expectUpload: async () => {},
        },
        uploadUrlTtlSeconds: 900,
        now: () => new Date(),
        tagger: async () => ({
          name: 'scripted',
          defaultMinConfidence: 0.5,
          tag: async () => ({ labels: [{ name: 'thing', confidence: 0.9 }] }),
        }),
        tagging: { minConfidence: undefined, max: 10 },
        maxUploadBytes: 10 * 1024 * 1024,
        log: createLogger('silent'),
      };
    });
    afterAll(async () => {
      await harness?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** Stores the bytes as a new image's upload, processes it, and returns the image as served. */
    async function upload(bytes: Buffer, contentType: string) {
      const ownerId = `owner-${randomUUID().slice(0, 8)}`;
      const id = randomUUID();
      await ctx.catalog.insert({
        id,
        ownerId,
        filename: 'photo',
        contentType,
        size: bytes.length,
        status: 'pending',
        tags: [],
        createdAt: new Date().toISOString(),
      });
      await harness.store.put(objectKey(ownerId, id), bytes, contentType);
      const outcome = await processUpload(ctx, objectKey(ownerId, id), { finalAttempt: false });
      return { ownerId, id, outcome, view: await getImage(ctx, ownerId, id) };
    }

    async function fetchThumbnail(url: string | undefined) {
      expect(url).toBeDefined();
      const response = await fetch(url!);
      expect(response.status).toBe(200);
      const bytes = Buffer.from(await response.arrayBuffer());
      return { bytes, metadata: await sharp(bytes).metadata() };
    }

    it('when a large photo is tagged, then its thumbnail is a WebP whose longest side is 320 px', async () => {
      const { ownerId, id, outcome, view } = await upload(fixture('bus.jpg'), 'image/jpeg');
      expect(outcome).toEqual({ outcome: 'tagged', tags: 1 });
      const original = await sharp(fixture('bus.jpg')).metadata();
      const { bytes, metadata } = await fetchThumbnail(view.thumbnailUrl);
      expect(metadata.format).toBe('webp');
      expect(Math.max(metadata.width, metadata.height)).toBe(320);
      // The aspect ratio survives, to the pixel.
      expect(metadata.width / metadata.height).toBeCloseTo(original.width / original.height, 1);
      // The store holds the same bytes the URL serves, under the thumbnail's own key.
      expect((await harness.store.read(thumbnailKey(ownerId, id), 1_000_000)).equals(bytes)).toBe(
        true,
      );
      expect(bytes.length).toBeLessThan(fixture('bus.jpg').length);
    });

    it('when the photo carries an EXIF orientation, then the thumbnail is upright and has none', async () => {
      const { view } = await upload(await sidewaysJpeg(), 'image/jpeg');
      const { bytes, metadata } = await fetchThumbnail(view.thumbnailUrl);
      expect({ width: metadata.width, height: metadata.height }).toEqual({
        width: 160,
        height: 320,
      });
      expect(metadata.orientation ?? 1).toBe(1);
      // Turned right: the left (red) half is now on top, the right (blue) half below.
      const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
      const pixel = (x: number, y: number) => [
        ...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3),
      ];
      const [topR, , topB] = pixel(80, 40);
      const [bottomR, , bottomB] = pixel(80, 280);
      expect(topR).toBeGreaterThan(200);
      expect(topB).toBeLessThan(60);
      expect(bottomB).toBeGreaterThan(200);
      expect(bottomR).toBeLessThan(60);
    });

    it('when the photo is smaller than 320 px, then the thumbnail keeps its size (never enlarged)', async () => {
      const small = await sharp({
        create: { width: 100, height: 60, channels: 4, background: '#00ff0080' },
      })
        .png()
        .toBuffer();
      const { view } = await upload(small, 'image/png');
      const { metadata } = await fetchThumbnail(view.thumbnailUrl);
      expect(metadata).toMatchObject({ format: 'webp', width: 100, height: 60, hasAlpha: true });
    });

    it('when the image is still pending or has failed, then it has no thumbnail URL', async () => {
      const broken = Buffer.concat([fixture('astronaut.png').subarray(0, 64), Buffer.alloc(64)]);
      const { ownerId, id, outcome, view } = await upload(broken, 'image/png');
      expect(outcome).toMatchObject({ outcome: 'failed' });
      expect(view).toMatchObject({
        status: 'failed',
        error: 'The file could not be read as an image.',
      });
      expect(view.thumbnailUrl).toBeUndefined();
      expect(await readFailure(harness.store, thumbnailKey(ownerId, id), 1000)).toBeInstanceOf(
        BlobNotFoundError,
      );
    });

    it('when the image is deleted, then its thumbnail is deleted with it', async () => {
      const { ownerId, id } = await upload(fixture('astronaut.png'), 'image/png');
      await harness.store.read(thumbnailKey(ownerId, id), 1_000_000);
      await deleteImage(ctx, ownerId, id);
      for (const key of [objectKey(ownerId, id), thumbnailKey(ownerId, id)]) {
        expect(await readFailure(harness.store, key, 1_000_000)).toBeInstanceOf(BlobNotFoundError);
      }
    });
  });
}
