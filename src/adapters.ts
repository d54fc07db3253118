// The composition root: Config in, the adapters of every port out, and the contexts the use cases
// run in. It looks the chosen adapters up in src/registry.ts and builds them with what they share
// (the SQLite database, DATA_DIR, PUBLIC_URL, AWS_REGION…); it knows no adapter by name. Each
// descriptor's create() imports its adapter's module, so a Lambda bundle never loads
// better-sqlite3 or the local model, and `api` loads an AWS SDK only when a request needs it.
import { join } from 'node:path';
import type { AdapterContext } from './adapter-descriptor.js';
import type { Config } from './config.js';
import type { ImageCatalog } from './catalog/image-catalog.js';
import type { Db } from './db/database.js';
import type { IdentityProvider } from './identity/identity-provider.js';
import type { ImagesContext } from './images/context.js';
import type { ProcessingContext } from './images/process-upload.js';
import type { LocalProcessingQueue } from './jobs/local-processing.js';
import type { ProcessingQueue } from './jobs/processing-queue.js';
import { once } from './lazy-port.js';
import { createLogger, type Logger } from './logger.js';
import { adapterFor, processingFor } from './registry.js';
import type { BlobStore } from './storage/blob-store.js';
import type { LocalBlobStore } from './storage/local.js';
import type { Tagger, Vocabulary } from './tagging/tagger.js';

export interface Adapters {
  identity: IdentityProvider;
  blobs: BlobStore;
  catalog: ImageCatalog;
  /** Loads the tagger on first call; a failed load is retried on the next call. */
  tagger: () => Promise<Tagger>;
  /** What the chosen tagger can emit, from its descriptor: never loads the model. */
  vocabulary: () => Promise<Vocabulary>;
  processing: ProcessingQueue;
  /** STORAGE=local: the store whose signed URLs this app serves at /files/*. */
  localFiles?: LocalBlobStore;
  /** STORAGE=local: the durable job queue the local worker takes jobs from. */
  localQueue?: LocalProcessingQueue;
  close(): Promise<void>;
}

/** `log`: where adapters report what they get past; by default a logger at LOG_LEVEL. */
export async function buildAdapters(
  config: Config,
  log: Logger = createLogger(config.logLevel),
): Promise<Adapters> {
  let db: Db | undefined;
  const context: AdapterContext = {
    dataDir: config.dataDir,
    publicUrl: config.publicUrl,
    region: config.awsRegion,
    uploadFunctionName: config.uploadFunctionName,
    uploadUrlTtlSeconds: config.uploadUrlTtlSeconds,
    tagWorkers: config.tagWorkers,
    log,
    async database() {
      if (!db) {
        const { openDatabase } = await import('./db/database.js');
        db = openDatabase(join(config.dataDir, 'pixtag.db'));
      }
      return db;
    },
  };

  const identity = await adapterFor('AUTH', config.auth.kind).create(config.auth, context);
  const storage = adapterFor('STORAGE', config.storage.kind);
  const { blobs, localFiles } = await storage.create(config.storage, context);
  const catalog = await adapterFor('INDEX', config.index.kind).create(config.index, context);
  let loadedTagger: Tagger | undefined;
  const tagger = once(async () => {
    const chosen = adapterFor('TAGGER', config.tagger.kind);
    return (loadedTagger = await chosen.create(config.tagger, context));
  });
  const vocabulary = once(async () => ({
    tagger: config.tagger.kind,
    labels: await adapterFor('TAGGER', config.tagger.kind).vocabulary(config.tagger),
  }));
  const { processing, localQueue } = await processingFor(storage).create(context);

  return {
    identity,
    blobs,
    catalog,
    tagger,
    vocabulary,
    processing,
    ...(localFiles ? { localFiles } : {}),
    ...(localQueue ? { localQueue } : {}),
    async close() {
      await loadedTagger?.close?.();
      db?.close();
    },
  };
}

/** What the HTTP use cases run with. */
export function imagesContext(config: Config, adapters: Adapters): ImagesContext {
  return {
    catalog: adapters.catalog,
    blobs: adapters.blobs,
    processing: adapters.processing,
    uploadUrlTtlSeconds: config.uploadUrlTtlSeconds,
    now: () => new Date(),
  };
}

/** What processUpload runs with, on the local worker and in onUpload alike. */
export function processingContext(
  config: Config,
  adapters: Adapters,
  log: Logger,
): ProcessingContext {
  return {
    ...imagesContext(config, adapters),
    tagger: adapters.tagger,
    tagging: { minConfidence: config.tagMinConfidence, max: config.tagMax },
    maxUploadBytes: config.maxUploadBytes,
    log,
  };
}
