// listingVersion: what a cached listing is keyed by. It must change with the catalog and with the
// download-URL step, and be undefined whenever either adapter cannot tell (then nothing is cached).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenSearchImageCatalog } from '../../src/catalog/opensearch.js';
import { SqliteImageCatalog } from '../../src/catalog/sqlite.js';
import { openDatabase } from '../../src/db/database.js';
import type { ImagesContext } from '../../src/images/context.js';
import { listingVersion } from '../../src/images/read-images.js';
import { lazyPort } from '../../src/lazy-port.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { LocalBlobStore } from '../../src/storage/local.js';
import { S3BlobStore } from '../../src/storage/s3.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function localContext(clock: { ms: number }, blobs?: (local: BlobStore) => BlobStore) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pixtag-version-'));
  dirs.push(dataDir);
  const local = await LocalBlobStore.open({
    dataDir,
    publicUrl: 'http://pixtag.test',
    uploadTtlSeconds: 900,
    downloadTtlSeconds: 3600,
    now: () => clock.ms,
  });
  const catalog = new SqliteImageCatalog(openDatabase(':memory:'));
  return { catalog, blobs: blobs ? blobs(local) : local } as unknown as ImagesContext;
}

describe('listingVersion', () => {
  it('when the download URLs move to a new step, then the version changes with them', async () => {
    const clock = { ms: Date.UTC(2026, 0, 1) };
    const ctx = await localContext(clock);
    const url = () => ctx.blobs.createDownloadUrl('u/alice/a1');
    const [version, signed] = [await listingVersion(ctx, 'alice'), await url()];
    expect(version).toBeDefined();
    clock.ms += 359_000; // within the step (a tenth of 3600 s): same URL, same version
    expect([await listingVersion(ctx, 'alice'), await url()]).toEqual([version, signed]);
    clock.ms += 2_000; // the next step: a new URL, so a new version
    expect(await url()).not.toBe(signed);
    expect(await listingVersion(ctx, 'alice')).not.toBe(version);
  });

  it('when the catalog changes, then the version changes', async () => {
    const ctx = await localContext({ ms: Date.UTC(2026, 0, 1) });
    const version = await listingVersion(ctx, 'alice');
    await ctx.catalog.insert({
      id: 'a1',
      ownerId: 'alice',
      filename: 'a.jpg',
      contentType: 'image/jpeg',
      size: 1,
      status: 'pending',
      tags: [],
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(await listingVersion(ctx, 'alice')).not.toBe(version);
  });

  it('when a port is built lazily (Lambda) and its adapter lacks the capability, then undefined', async () => {
    const clock = { ms: Date.UTC(2026, 0, 1) };
    // The local store without its step, as S3's store is: every name answers on a lazy port.
    const ctx = await localContext(clock, (local) =>
      lazyPort<BlobStore>(async () => ({
        createUploadUrl: (key, upload) => local.createUploadUrl(key, upload),
        createDownloadUrl: (key) => local.createDownloadUrl(key),
        createDownloadUrls: (keys) => local.createDownloadUrls(keys),
        read: (key, max) => local.read(key, max),
        put: (key, bytes, type) => local.put(key, bytes, type),
        remove: (key) => local.remove(key),
      })),
    );
    expect(await listingVersion(ctx, 'alice')).toBeUndefined();
  });

  it('when the adapters are S3 and OpenSearch, then they offer no version to cache by', () => {
    // Their URLs are signed anew each time and their index is written by other processes.
    expect('downloadUrlPeriod' in S3BlobStore.prototype).toBe(false);
    expect('changeVersion' in OpenSearchImageCatalog.prototype).toBe(false);
  });
});
