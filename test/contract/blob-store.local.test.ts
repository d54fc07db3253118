// The BlobStore contract for the local file store, whose signed URLs are served by the app's own
// /files/* route: here mounted alone on a small Express app on 127.0.0.1, so the contract's PUTs
// and GETs go over real HTTP. The local store is also the one whose URL checks (tampering,
// Content-Type, length) can be tested: s3rver does not check signatures.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileRoutes } from '../../src/http/routes/files.js';
import { errorHandler } from '../../src/http/problem.js';
import type { ProcessingQueue } from '../../src/jobs/processing-queue.js';
import { createLogger } from '../../src/logger.js';
import { BlobNotFoundError } from '../../src/storage/blob-store.js';
import { objectKey } from '../../src/domain/object-keys.js';
import { LocalBlobStore } from '../../src/storage/local.js';
import {
  blobStoreContract,
  putOverHttp,
  readFailure,
  type BlobStoreHarness,
} from './blob-store.contract.js';
import { thumbnailSuite } from './thumbnail.suite.js';

const UPLOAD_TTL_SECONDS = 900;

const noProcessing: ProcessingQueue = {
  enqueue: async () => {},
  cancel: async () => {},
  expectUpload: async () => {},
};

async function setupLocal(): Promise<BlobStoreHarness & { store: LocalBlobStore }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pixtag-blob-contract-'));
  // Listen first: the store's URLs must name the port the server got.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const store = await LocalBlobStore.open({
    dataDir,
    publicUrl: `http://127.0.0.1:${port}`,
    uploadTtlSeconds: UPLOAD_TTL_SECONDS,
    downloadTtlSeconds: 60,
  });
  const app = express();
  app.use(fileRoutes(store, noProcessing));
  app.use(errorHandler(createLogger('silent')));
  server.on('request', app);
  return {
    store,
    uploadTtlSeconds: UPLOAD_TTL_SECONDS,
    put: putOverHttp,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

blobStoreContract('local files', setupLocal);
thumbnailSuite('local files', setupLocal);

describe('LocalBlobStore signed URLs over HTTP', () => {
  let harness: Awaited<ReturnType<typeof setupLocal>>;
  beforeAll(async () => {
    harness = await setupLocal();
  });
  afterAll(async () => {
    await harness?.close();
  });

  const freshKey = () => objectKey(`owner-${randomUUID().slice(0, 8)}`, randomUUID());

  it('when the PUT sends another Content-Type than signed, then 403 and nothing is stored', async () => {
    const key = freshKey();
    const bytes = randomBytes(32);
    const signed = await harness.store.createUploadUrl(key, { contentType: 'image/png', size: 32 });
    const { status } = await harness.put(signed, bytes, { 'Content-Type': 'text/html' });
    expect(status).toBe(403);
    expect(await readFailure(harness.store, key, 1000)).toBeInstanceOf(BlobNotFoundError);
  });

  it('when the PUT sends more bytes than signed, then it is refused and nothing is stored', async () => {
    const key = freshKey();
    const signed = await harness.store.createUploadUrl(key, { contentType: 'image/png', size: 32 });
    const { status } = await harness.put(signed, randomBytes(33));
    expect(status).toBe(400);
    expect(await readFailure(harness.store, key, 1000)).toBeInstanceOf(BlobNotFoundError);
  });

  it('when the signed URL is pointed at another key, then 403 and neither key is written', async () => {
    const [key, other] = [freshKey(), freshKey()];
    const signed = await harness.store.createUploadUrl(key, { contentType: 'image/png', size: 8 });
    const tampered = { ...signed, url: signed.url.replace(key, other) };
    expect(tampered.url).not.toBe(signed.url);
    expect((await harness.put(tampered, randomBytes(8))).status).toBe(403);
    expect(await readFailure(harness.store, other, 1000)).toBeInstanceOf(BlobNotFoundError);
    expect(await readFailure(harness.store, key, 1000)).toBeInstanceOf(BlobNotFoundError);
  });

  it('when the download URL is pointed at another key, then 403', async () => {
    const [key, other] = [freshKey(), freshKey()];
    await harness.put(
      await harness.store.createUploadUrl(other, { contentType: 'image/png', size: 8 }),
      randomBytes(8),
    );
    const url = (await harness.store.createDownloadUrl(key)).replace(key, other);
    expect((await fetch(url)).status).toBe(403);
  });
});
