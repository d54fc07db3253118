import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { UploadMalformed, UploadRejected, UploadTooLarge } from '../../src/domain/errors.js';
import { toHttpError } from '../../src/http/problem.js';
import { BlobNotFoundError, BlobTooLargeError } from '../../src/storage/blob-store.js';
import { LocalBlobStore } from '../../src/storage/local.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function open(now = () => Date.now()) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pixtag-blobs-'));
  dirs.push(dataDir);
  const store = await LocalBlobStore.open({
    dataDir,
    publicUrl: 'http://x.test',
    uploadTtlSeconds: 900,
    downloadTtlSeconds: 60,
    now,
  });
  return { store, dataDir };
}

/** What `call` threw or rejected with; undefined when it succeeded. */
async function failureOf(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

function requestFor(url: string, contentType = 'image/png', contentLength?: string) {
  const parsed = new URL(url);
  return {
    method: 'PUT' as const,
    key: parsed.pathname.replace(/^\/files\//, ''),
    query: Object.fromEntries(parsed.searchParams),
    contentType,
    contentLength: contentLength ?? parsed.searchParams.get('size') ?? undefined,
  };
}

describe('LocalBlobStore', () => {
  it('when the upload URL has expired, then the request is refused with 403', async () => {
    let clock = Date.parse('2030-01-01T00:00:00Z');
    const { store } = await open(() => clock);
    const signed = await store.createUploadUrl('u/o/i', { contentType: 'image/png', size: 3 });
    expect(signed.expiresAt).toBe('2030-01-01T00:15:00.000Z');
    expect(() => store.verifyRequest(requestFor(signed.url))).not.toThrow();
    clock += 901_000;
    expect(() => store.verifyRequest(requestFor(signed.url))).toThrow(/expired/);
  });

  it('when Content-Length differs from the signed size, then 400', async () => {
    const { store } = await open();
    const signed = await store.createUploadUrl('u/o/i', { contentType: 'image/png', size: 3 });
    const error = await failureOf(() =>
      store.verifyRequest(requestFor(signed.url, 'image/png', '4')),
    );
    expect(error).toBeInstanceOf(UploadMalformed);
    expect(toHttpError(error)?.status).toBe(400);
  });

  it('when the body has more bytes than signed, then 413 and no file or temporary file is left', async () => {
    const { store, dataDir } = await open();
    const error = await failureOf(() =>
      store.write('u/o/i', Readable.from([Buffer.alloc(5), Buffer.alloc(5)]), 8),
    );
    expect(error).toBeInstanceOf(UploadTooLarge);
    expect(toHttpError(error)).toMatchObject({ status: 413 });
    await expect(store.read('u/o/i', 100)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(readdirSync(join(dataDir, 'blobs', '.incoming'))).toEqual([]);
  });

  it('when the body has fewer bytes than signed, then 400 and nothing is stored', async () => {
    const { store } = await open();
    const error = await failureOf(() => store.write('u/o/i', Readable.from([Buffer.alloc(5)]), 8));
    expect(error).toBeInstanceOf(UploadMalformed);
    expect(toHttpError(error)).toMatchObject({
      status: 400,
    });
    await expect(store.read('u/o/i', 100)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('when bytes are written, then read returns them, capped reads refuse more, remove deletes', async () => {
    const { store } = await open();
    await store.write('u/o/i', Readable.from([Buffer.from('abc'), Buffer.from('def')]), 6);
    expect((await store.read('u/o/i', 6)).toString()).toBe('abcdef');
    await expect(store.read('u/o/i', 5)).rejects.toBeInstanceOf(BlobTooLargeError);
    await store.remove('u/o/i');
    await store.remove('u/o/i');
    await expect(store.read('u/o/i', 6)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('when download URLs are asked for within one tenth of the TTL, then they are one URL valid for 90 to 100% of it', async () => {
    const start = Date.parse('2030-01-01T00:00:00Z'); // a multiple of the 6 s step
    let clock = start;
    const { store } = await open(() => clock);
    const expiresOf = (url: string) => Number(new URL(url).searchParams.get('expires'));
    const verify = (url: string) =>
      store.verifyRequest({
        method: 'GET',
        key: 'u/o/i',
        query: Object.fromEntries(new URL(url).searchParams),
      });

    const first = await store.createDownloadUrl('u/o/i');
    clock = start + 5_999;
    const later = await store.createDownloadUrl('u/o/i');
    const other = await store.createDownloadUrl('u/o/j');
    // Asked for together, they are the very URLs asked for one by one.
    expect(await store.createDownloadUrls(['u/o/j', 'u/o/i'])).toEqual([other, first]);
    clock = start + 6_000;
    const nextStep = await store.createDownloadUrl('u/o/i');

    expect(later).toBe(first);
    expect(other).not.toBe(first);
    expect(expiresOf(first)).toBe(start / 1000 + 60);
    expect(expiresOf(nextStep)).toBe(start / 1000 + 66);
    // Asked for 5.999 s into the step, the URL still has 54 of its 60 s, and never more than 60.
    clock = start + 5_999;
    expect(expiresOf(later) * 1000 - clock).toBeGreaterThanOrEqual(54_000);
    expect(() => verify(later)).not.toThrow();
    clock = start + 60_001;
    expect(() => verify(first)).toThrow(UploadRejected);
    expect(() => verify(nextStep)).not.toThrow();
  });

  it('when a key tries to leave the blob folder, then it is refused', async () => {
    const { store } = await open();
    await expect(store.read('../keys/url-signing.key', 100)).rejects.toThrow(/unsafe/);
    expect(() =>
      store.verifyRequest({
        method: 'GET',
        key: 'u/../../etc',
        query: { expires: '9999999999', signature: 'x' },
      }),
    ).toThrow(UploadRejected);
  });

  it('when the store is opened again on the same folder, then its old URLs still verify', async () => {
    const { store, dataDir } = await open();
    const url = await store.createDownloadUrl('u/o/i');
    const again = await LocalBlobStore.open({
      dataDir,
      publicUrl: 'http://x.test',
      uploadTtlSeconds: 900,
      downloadTtlSeconds: 60,
    });
    const parsed = new URL(url);
    expect(() =>
      again.verifyRequest({
        method: 'GET',
        key: 'u/o/i',
        query: Object.fromEntries(parsed.searchParams),
      }),
    ).not.toThrow();
  });
});
