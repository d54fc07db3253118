// The composition root: Config in, the adapters of every port out. The only module that chooses
// adapters. Heavy ones (the recognition model) load lazily, on first use.
import { join } from 'node:path';
import type { Config } from './config.js';
import type { ImageCatalog } from './catalog/image-catalog.js';
import { SqliteImageCatalog } from './catalog/sqlite.js';
import { openDatabase, type Db } from './db/database.js';
import type { IdentityProvider } from './identity/identity-provider.js';
import { LocalIdentityProvider } from './identity/local.js';
import { JobQueue } from './jobs/job-queue.js';
import type { BlobStore } from './storage/blob-store.js';
import { LocalBlobStore } from './storage/local.js';
import type { Tagger } from './tagging/tagger.js';

export interface Adapters {
  identity: IdentityProvider;
  blobs: BlobStore;
  catalog: ImageCatalog;
  /** Loads the tagger on first call; a failed load is retried on the next call. */
  tagger: () => Promise<Tagger>;
  /** STORAGE=local: the store whose signed URLs this app serves. */
  localFiles?: LocalBlobStore;
  /** The local durable job queue (plain server only). */
  jobs?: JobQueue;
  close(): Promise<void>;
}

export async function buildAdapters(config: Config): Promise<Adapters> {
  const db: Db = openDatabase(join(config.dataDir, 'pixtag.db'));
  const identity = await LocalIdentityProvider.open({
    db,
    dataDir: config.dataDir,
    issuer: config.publicUrl,
  });
  const files = await LocalBlobStore.open({
    dataDir: config.dataDir,
    publicUrl: config.publicUrl,
    uploadTtlSeconds: config.uploadUrlTtlSeconds,
    downloadTtlSeconds: config.uploadUrlTtlSeconds,
  });
  const tagger = lazyTagger(async () => {
    const { LocalModelTagger } = await import('./tagging/local-model.js');
    return new LocalModelTagger();
  });
  return {
    identity,
    blobs: files,
    catalog: new SqliteImageCatalog(db),
    tagger: tagger.get,
    localFiles: files,
    jobs: new JobQueue(db),
    async close() {
      await tagger.close();
      db.close();
    },
  };
}

function lazyTagger(load: () => Promise<Tagger>) {
  let loading: Promise<Tagger> | undefined;
  return {
    get(): Promise<Tagger> {
      loading ??= load().catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
      return loading;
    },
    async close(): Promise<void> {
      const tagger = await loading?.catch(() => undefined);
      await tagger?.close?.();
    },
  };
}
