// processUpload's decisions, with the real SQLite catalog and local store and a scripted Tagger
// (the real model is exercised by the tagger contract and the component tests).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImageRecord, Label } from '../../src/domain/image.js';
import { SqliteImageCatalog } from '../../src/catalog/sqlite.js';
import { openDatabase } from '../../src/db/database.js';
import { TransientError } from '../../src/domain/errors.js';
import { deleteImage } from '../../src/images/change-images.js';
import {
  processUpload,
  TAGGER_UNAVAILABLE,
  type ProcessingContext,
} from '../../src/images/process-upload.js';
import { createLogger } from '../../src/logger.js';
import { BlobNotFoundError } from '../../src/storage/blob-store.js';
import { objectKey, thumbnailKey } from '../../src/domain/object-keys.js';
import { LocalBlobStore } from '../../src/storage/local.js';
import type { Tagger } from '../../src/tagging/tagger.js';
import { fixture } from '../support/local-app.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function setup(answer: () => Promise<Label[]>, text?: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pixtag-process-'));
  dirs.push(dataDir);
  let clock = Date.parse('2030-01-01T00:00:00Z');
  const calls = { tag: 0 };
  const tagger: Tagger = {
    name: 'scripted',
    defaultMinConfidence: 0.5,
    tag: () => {
      calls.tag += 1;
      return answer().then((labels) => ({ labels, text }));
    },
  };
  const blobs = await LocalBlobStore.open({
    dataDir,
    publicUrl: 'http://x.test',
    uploadTtlSeconds: 900,
    downloadTtlSeconds: 900,
  });
  const catalog = new SqliteImageCatalog(openDatabase(join(dataDir, 'pixtag.db')));
  const ctx: ProcessingContext = {
    catalog,
    blobs,
    processing: { enqueue: async () => {}, cancel: async () => {}, expectUpload: async () => {} },
    uploadUrlTtlSeconds: 900,
    now: () => new Date(clock),
    tagger: async () => tagger,
    tagging: { minConfidence: undefined, max: 2 },
    maxUploadBytes: 1024 * 1024,
    log: createLogger('silent'),
  };
  const image: ImageRecord = {
    id: '11111111-1111-4111-8111-111111111111',
    ownerId: 'owner-1',
    filename: 'a.png',
    contentType: 'image/png',
    size: 0,
    status: 'pending',
    tags: [],
    createdAt: new Date(clock).toISOString(),
  };
  await catalog.insert(image);
  const key = objectKey(image.ownerId, image.id);
  const store = async (bytes: Buffer) => blobs.write(key, Readable.from([bytes]), bytes.length);
  const get = async () => (await catalog.get(image.ownerId, image.id))!;
  return { ctx, key, store, get, calls, advance: (ms: number) => (clock += ms) };
}

describe('processUpload', () => {
  it('when tags come back, then those at or above the tagger threshold are kept, at most TAG_MAX', async () => {
    const t = await setup(async () => [
      { name: ' Person ', confidence: 0.9 },
      { name: 'dog', confidence: 0.6 },
      { name: 'cat', confidence: 0.55 },
      { name: 'kite', confidence: 0.2 },
    ]);
    await t.store(fixture('astronaut.png'));
    expect(await processUpload(t.ctx, t.key, { finalAttempt: false })).toEqual({
      outcome: 'tagged',
      tags: 2,
    });
    expect((await t.get()).tags).toEqual([
      { name: 'person', confidence: 0.9, source: 'model' },
      { name: 'dog', confidence: 0.6, source: 'model' },
    ]);
  });

  it('when the same object is processed again, then it is skipped and the tagger is not called', async () => {
    const t = await setup(async () => [{ name: 'person', confidence: 0.9 }]);
    await t.store(fixture('astronaut.png'));
    await processUpload(t.ctx, t.key, { finalAttempt: false });
    const first = await t.get();
    expect(await processUpload(t.ctx, t.key, { finalAttempt: false })).toMatchObject({
      outcome: 'skipped',
    });
    expect(t.calls.tag).toBe(1);
    expect(await t.get()).toEqual(first);
  });

  it('when the bytes have not arrived, then it waits until the upload URL has expired, then fails', async () => {
    const t = await setup(async () => []);
    const waiting = await processUpload(t.ctx, t.key, { finalAttempt: false });
    expect(waiting).toEqual({
      outcome: 'awaiting-upload',
      retryAt: new Date(Date.parse('2030-01-01T00:16:00Z')),
    });
    t.advance(16 * 60_000 + 1);
    const failed = await processUpload(t.ctx, t.key, { finalAttempt: false });
    expect(failed).toMatchObject({ outcome: 'failed' });
    expect((await t.get()).error).toMatch(/No file was uploaded/);
  });

  it('when the tagger is unavailable, then it throws for a retry, and fails on the final attempt', async () => {
    const t = await setup(async () => {
      throw new TransientError('down');
    });
    await t.store(fixture('astronaut.png'));
    await expect(processUpload(t.ctx, t.key, { finalAttempt: false })).rejects.toBeInstanceOf(
      TransientError,
    );
    expect((await t.get()).status).toBe('pending');
    expect(await processUpload(t.ctx, t.key, { finalAttempt: true })).toEqual({
      outcome: 'failed',
      error: TAGGER_UNAVAILABLE,
    });
  });

  it('when the key is not an image key or the image is gone, then it is skipped', async () => {
    const t = await setup(async () => []);
    expect(await processUpload(t.ctx, 'something/else', { finalAttempt: false })).toMatchObject({
      outcome: 'skipped',
    });
    expect(
      await processUpload(t.ctx, objectKey('owner-1', '22222222-2222-4222-8222-222222222222'), {
        finalAttempt: false,
      }),
    ).toMatchObject({ outcome: 'skipped' });
  });

  it('when the image is deleted before its thumbnail is stored, then no thumbnail is left and it is not tagged', async () => {
    const t = await setup(async () => [{ name: 'person', confidence: 0.9 }]);
    await t.store(fixture('astronaut.png'));
    const { ownerId, id } = await t.get();
    // The DELETE completes while the thumbnail is being made: it finds no thumbnail to remove.
    const put = t.ctx.blobs.put.bind(t.ctx.blobs);
    t.ctx.blobs.put = async (...args) => {
      await deleteImage(t.ctx, ownerId, id);
      return put(...args);
    };
    expect(await processUpload(t.ctx, t.key, { finalAttempt: false })).toMatchObject({
      outcome: 'skipped',
    });
    await expect(t.ctx.blobs.read(thumbnailKey(ownerId, id), 1 << 20)).rejects.toBeInstanceOf(
      BlobNotFoundError,
    );
    expect(t.calls.tag).toBe(0);
  });
});
