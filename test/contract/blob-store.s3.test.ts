// The BlobStore contract for S3, against a real s3rver on 127.0.0.1. s3rver does not verify
// SigV4 signatures, so a tampered URL or a PUT with another Content-Type or length would pass
// here: those checks are S3's own (the signed headers below make it refuse them) and the
// expiry/tamper tests of signed URLs live with the local store. What is checked here instead is
// that the URL asks S3 for those checks: which headers are signed and for how long.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TransientError } from '../../src/domain/errors.js';
import { BlobNotFoundError, BlobTooLargeError } from '../../src/storage/blob-store.js';
import { objectKey } from '../../src/domain/object-keys.js';
import { S3BlobStore } from '../../src/storage/s3.js';
import { eventually } from '../support/eventually.js';
import { startS3rver, type S3rver } from '../support/s3rver.js';
import {
  blobStoreContract,
  putOverHttp,
  readFailure,
  type BlobStoreHarness,
} from './blob-store.contract.js';
import { thumbnailSuite } from './thumbnail.suite.js';

const UPLOAD_TTL_SECONDS = 900;
const DOWNLOAD_TTL_SECONDS = 120;
const BUCKET = 'pixtag-test';

// Built as the composition root builds it (no injected client, credentials from the
// environment), so the client options themselves are under test.
async function setupS3rver(): Promise<BlobStoreHarness> {
  const s3 = await startS3rver({ bucket: BUCKET });
  vi.stubEnv('AWS_ACCESS_KEY_ID', s3.credentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', s3.credentials.secretAccessKey);
  const store = new S3BlobStore({
    bucket: BUCKET,
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    uploadTtlSeconds: UPLOAD_TTL_SECONDS,
    downloadTtlSeconds: DOWNLOAD_TTL_SECONDS,
  });
  return {
    store,
    uploadTtlSeconds: UPLOAD_TTL_SECONDS,
    put: putOverHttp,
    async close() {
      vi.unstubAllEnvs();
      await s3.stop();
    },
  };
}

blobStoreContract('S3 via s3rver', setupS3rver);
thumbnailSuite('S3 via s3rver', setupS3rver);

describe('S3BlobStore against s3rver', () => {
  let s3: S3rver;
  beforeAll(async () => {
    s3 = await startS3rver({ bucket: BUCKET });
  });
  afterAll(async () => {
    await s3?.stop();
  });

  const client = (endpoint = s3.endpoint) =>
    new S3Client({
      region: s3.region,
      endpoint,
      forcePathStyle: true,
      credentials: s3.credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      // One attempt: the adapter's translation is under test, not the SDK's retries.
      maxAttempts: 1,
    });
  const storeWith = (options: { client?: S3Client; bucket?: string } = {}) =>
    new S3BlobStore({
      bucket: options.bucket ?? BUCKET,
      region: s3.region,
      uploadTtlSeconds: UPLOAD_TTL_SECONDS,
      downloadTtlSeconds: DOWNLOAD_TTL_SECONDS,
      client: options.client ?? client(),
    });
  const freshKey = () => objectKey(`owner-${randomUUID().slice(0, 8)}`, randomUUID());

  it('when an upload URL is made, then S3 is asked to check its Content-Type and Content-Length', async () => {
    const signed = await storeWith().createUploadUrl(freshKey(), {
      contentType: 'image/png',
      size: 1234,
    });
    const query = new URL(signed.url).searchParams;
    expect(query.get('X-Amz-SignedHeaders')?.split(';')).toEqual(
      expect.arrayContaining(['content-length', 'content-type', 'host']),
    );
    expect(query.get('X-Amz-Expires')).toBe(String(UPLOAD_TTL_SECONDS));
    // Nothing a browser would have to send beyond Content-Type: no checksum, no SSE header.
    const extra = [...query.keys()].filter((name) => /checksum|server-side/i.test(name));
    expect(extra).toEqual([]);
    const expiresAt = Date.parse(signed.expiresAt);
    const signedAt = Date.parse(
      query
        .get('X-Amz-Date')!
        .replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'),
    );
    expect(expiresAt - signedAt).toBe(UPLOAD_TTL_SECONDS * 1000);
  });

  it('when a store is built without a client, then its upload URL carries no SDK checksum', async () => {
    const store = new S3BlobStore({
      bucket: BUCKET,
      region: 'eu-west-1',
      uploadTtlSeconds: UPLOAD_TTL_SECONDS,
      downloadTtlSeconds: DOWNLOAD_TTL_SECONDS,
    });
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    try {
      const signed = await store.createUploadUrl(freshKey(), { contentType: 'image/png', size: 9 });
      const url = new URL(signed.url);
      // Virtual-hosted style on AWS when no endpoint is given.
      expect(url.host).toBe(`${BUCKET}.s3.eu-west-1.amazonaws.com`);
      expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('when a download URL is made, then it lives for the download TTL', async () => {
    const url = new URL(await storeWith().createDownloadUrl(freshKey()));
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(DOWNLOAD_TTL_SECONDS));
    expect(url.pathname).toMatch(new RegExp(`^/${BUCKET}/u/`));
  });

  it('when S3 cannot be reached, then read and remove fail with a TransientError', async () => {
    // A port that was free a moment ago and has nothing listening now.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const store = storeWith({ client: client(`http://127.0.0.1:${port}`) });
    expect(await readFailure(store, freshKey(), 1000)).toBeInstanceOf(TransientError);
    await expect(store.remove(freshKey())).rejects.toBeInstanceOf(TransientError);
  });

  it('when the bucket does not exist, then read fails with a plain Error, not NotFound or transient', async () => {
    const store = storeWith({ bucket: 'no-such-bucket' });
    const error = await store.read(freshKey(), 1000).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(BlobNotFoundError);
    expect(error).not.toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/NoSuchBucket/);
    expect((error as Error).cause).toBeDefined();
  });

  it('when an object is uploaded through the signed URL, then s3rver relays an ObjectCreated record', async () => {
    const key = freshKey();
    const records: { eventName: string; key: string; size: number | undefined }[] = [];
    const unsubscribe = s3.onEvent((record) =>
      records.push({
        eventName: record.eventName,
        key: record.s3.object.key,
        size: record.s3.object.size,
      }),
    );
    try {
      const store = storeWith();
      const bytes = randomBytes(77);
      const signed = await store.createUploadUrl(key, { contentType: 'image/png', size: 77 });
      expect((await putOverHttp(signed, bytes)).status).toBe(200);
      await store.remove(key);
      await eventually(() =>
        expect(records).toContainEqual({ eventName: 'ObjectCreated:Put', key, size: 77 }),
      );
      // Deletes are not relayed: onUpload is subscribed to ObjectCreated only.
      expect(records.filter((r) => r.key === key)).toHaveLength(1);
    } finally {
      unsubscribe();
    }
  });

  it('when the object arrives without a length and runs past maxBytes, then read stops with BlobTooLargeError', async () => {
    // s3rver always sends Content-Length; this tiny server streams a chunked body with none, as an
    // S3-compatible gateway may, to show the cap holds on the bytes themselves.
    const CHUNK = 64 * 1024;
    const MAX_CHUNKS = 200;
    let aborted = false;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      res.on('close', () => (aborted = !res.writableFinished));
      let sent = 0;
      const more = () => {
        while (sent < MAX_CHUNKS && !res.destroyed) {
          sent++;
          if (!res.write(Buffer.alloc(CHUNK))) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const store = storeWith({ client: client(`http://127.0.0.1:${port}`) });
      expect(await readFailure(store, freshKey(), 3 * CHUNK)).toBeInstanceOf(BlobTooLargeError);
      await eventually(() => expect(aborted).toBe(true), { timeoutMs: 5_000 });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
