// The behaviour every BlobStore adapter must have, over real HTTP: the signed upload URL is used
// exactly as a browser or curl would use it, and the download URL is fetched the same way.
// One store per suite (starting a server per test would cost more than the tests); each test
// uses its own keys, so no test sees another's objects.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore, SignedRequest } from '../../src/storage/blob-store.js';
import { BlobNotFoundError, BlobTooLargeError } from '../../src/storage/blob-store.js';
import { objectKey, parseObjectKey, thumbnailKey } from '../../src/domain/object-keys.js';

export interface BlobStoreHarness {
  store: BlobStore;
  /** The lifetime the store was given for upload URLs. */
  uploadTtlSeconds: number;
  /** Performs the signed PUT over real HTTP, with `headers` added to (or replacing) its own. */
  put(
    upload: SignedRequest,
    body: Buffer,
    headers?: Record<string, string>,
  ): Promise<{ status: number }>;
  close(): Promise<void>;
}

/** The signed request as a client sends it: its URL, method and headers as given, nothing else. */
export async function putOverHttp(
  upload: SignedRequest,
  body: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number }> {
  const response = await fetch(upload.url, {
    method: upload.method,
    headers: { ...upload.headers, ...headers },
    body,
  });
  await response.arrayBuffer();
  return { status: response.status };
}

/**
 * How a read that should fail ended: its error, or a short note of the bytes it returned (a
 * failing assertion would otherwise print a whole buffer).
 */
export function readFailure(store: BlobStore, key: string, maxBytes: number): Promise<unknown> {
  return store.read(key, maxBytes).then(
    (bytes) => `read resolved with ${bytes.length} bytes`,
    (error: unknown) => error,
  );
}

const freshKey = () => objectKey(`owner-${randomUUID().slice(0, 8)}`, randomUUID());

export function blobStoreContract(name: string, setup: () => Promise<BlobStoreHarness>) {
  describe(`BlobStore (${name})`, () => {
    let harness: BlobStoreHarness;
    beforeAll(async () => {
      harness = await setup();
    });
    afterAll(async () => {
      await harness?.close();
    });

    async function upload(key: string, bytes: Buffer, contentType = 'image/png') {
      const signed = await harness.store.createUploadUrl(key, { contentType, size: bytes.length });
      const { status } = await harness.put(signed, bytes);
      expect(status).toBeGreaterThanOrEqual(200);
      expect(status).toBeLessThan(300);
      return signed;
    }

    it('when the signed PUT is used as given, then read returns the same bytes', async () => {
      const key = freshKey();
      const bytes = randomBytes(4096);
      await upload(key, bytes, 'image/jpeg');
      const read = await harness.store.read(key, 10_000);
      expect(read.equals(bytes)).toBe(true);
    });

    it('when an upload URL is made, then the client must send exactly the signed Content-Type', async () => {
      const signed = await harness.store.createUploadUrl(freshKey(), {
        contentType: 'image/webp',
        size: 123,
      });
      expect(signed.method).toBe('PUT');
      expect(signed.headers).toEqual({ 'Content-Type': 'image/webp' });
      expect(new URL(signed.url).protocol).toMatch(/^https?:$/);
    });

    it('when an upload URL is made, then it expires in the future, within the TTL', async () => {
      const before = Math.floor(Date.now() / 1000) * 1000;
      const signed = await harness.store.createUploadUrl(freshKey(), {
        contentType: 'image/png',
        size: 1,
      });
      const after = Date.now();
      const expiresAt = Date.parse(signed.expiresAt);
      expect(signed.expiresAt).toBe(new Date(expiresAt).toISOString());
      expect(expiresAt).toBeGreaterThan(after);
      expect(expiresAt).toBeGreaterThanOrEqual(before + harness.uploadTtlSeconds * 1000);
      expect(expiresAt).toBeLessThanOrEqual(after + harness.uploadTtlSeconds * 1000);
    });

    it('when the key was never written, then read fails with BlobNotFoundError', async () => {
      const key = freshKey();
      expect(await readFailure(harness.store, key, 1000)).toBeInstanceOf(BlobNotFoundError);
      expect(await readFailure(harness.store, key, 1000)).toMatchObject({ key });
    });

    it('when the object is larger than maxBytes, then read fails with BlobTooLargeError', async () => {
      const key = freshKey();
      const bytes = randomBytes(256 * 1024);
      await upload(key, bytes);
      expect(await readFailure(harness.store, key, bytes.length - 1)).toBeInstanceOf(
        BlobTooLargeError,
      );
      expect(await readFailure(harness.store, key, 16)).toMatchObject({ key, maxBytes: 16 });
      // Exactly maxBytes is allowed: the limit is inclusive.
      expect((await harness.store.read(key, bytes.length)).equals(bytes)).toBe(true);
    });

    it('when the object is removed, then read fails with BlobNotFoundError, and removing again is fine', async () => {
      const key = freshKey();
      await upload(key, randomBytes(100));
      await harness.store.remove(key);
      expect(await readFailure(harness.store, key, 1000)).toBeInstanceOf(BlobNotFoundError);
      await expect(harness.store.remove(key)).resolves.toBeUndefined();
      await expect(harness.store.remove(freshKey())).resolves.toBeUndefined();
    });

    it('when one object is removed, then its neighbour under the same owner stays', async () => {
      const owner = `owner-${randomUUID().slice(0, 8)}`;
      const [gone, kept] = [objectKey(owner, randomUUID()), objectKey(owner, randomUUID())];
      const keptBytes = randomBytes(64);
      await upload(gone, randomBytes(64));
      await upload(kept, keptBytes);
      await harness.store.remove(gone);
      expect((await harness.store.read(kept, 1000)).equals(keptBytes)).toBe(true);
    });

    it('when the download URL is fetched over HTTP, then it returns the same bytes', async () => {
      const key = freshKey();
      const bytes = randomBytes(10_000);
      await upload(key, bytes);
      const url = await harness.store.createDownloadUrl(key);
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    });

    it('when an object is uploaded again under the same key, then read returns the new bytes', async () => {
      const key = freshKey();
      await upload(key, randomBytes(300));
      const second = randomBytes(200);
      await upload(key, second);
      expect((await harness.store.read(key, 1000)).equals(second)).toBe(true);
    });

    it('when the app puts bytes itself, then read and the download URL return them', async () => {
      const owner = `owner-${randomUUID().slice(0, 8)}`;
      const key = thumbnailKey(owner, randomUUID());
      const bytes = randomBytes(2048);
      await harness.store.put(key, bytes, 'image/webp');
      expect((await harness.store.read(key, 10_000)).equals(bytes)).toBe(true);
      const response = await fetch(await harness.store.createDownloadUrl(key));
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
      // Put again replaces; remove removes.
      const second = randomBytes(10);
      await harness.store.put(key, second, 'image/webp');
      expect((await harness.store.read(key, 10_000)).equals(second)).toBe(true);
      await harness.store.remove(key);
      expect(await readFailure(harness.store, key, 10_000)).toBeInstanceOf(BlobNotFoundError);
    });

    it('when keys have the u/<owner>/<image> shape, then each round-trips to its own object', async () => {
      const image = randomUUID();
      const owners = [randomUUID(), 'alice.smith_1-2', `eu-west-1_${randomUUID().slice(0, 8)}`];
      const stored = new Map<string, Buffer>();
      for (const owner of owners) {
        const key = objectKey(owner, image);
        expect(parseObjectKey(key)).toEqual({ ownerId: owner, imageId: image });
        const bytes = randomBytes(50);
        await upload(key, bytes, 'image/gif');
        stored.set(key, bytes);
      }
      for (const [key, bytes] of stored) {
        expect((await harness.store.read(key, 1000)).equals(bytes)).toBe(true);
        const response = await fetch(await harness.store.createDownloadUrl(key));
        expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
      }
    });

    it('when download URLs are asked for together, then each, in order, returns its own object', async () => {
      const keys = [freshKey(), freshKey(), freshKey()];
      const bytes = keys.map((_, k) => randomBytes(40 + k));
      for (const [k, key] of keys.entries()) await upload(key, bytes[k]!);
      const urls = await harness.store.createDownloadUrls(keys);
      expect(urls).toHaveLength(keys.length);
      for (const [k, url] of urls.entries()) {
        const response = await fetch(url);
        expect(Buffer.from(await response.arrayBuffer()).equals(bytes[k]!)).toBe(true);
      }
      expect(await harness.store.createDownloadUrls([])).toEqual([]);
    });
  });
}
