// The composition root: Config in, the adapters of every port out, and the contexts the use cases
// run in. The only module that chooses adapters. Every adapter module is imported lazily, so a
// Lambda bundle never loads better-sqlite3 or the local model, and `api` loads an AWS SDK only
// when a request needs it.
import { join } from 'node:path';
import type { Config } from './config.js';
import type { ImageCatalog } from './catalog/image-catalog.js';
import type { Db } from './db/database.js';
import type { IdentityProvider } from './identity/identity-provider.js';
import type { ImagesContext } from './images/context.js';
import type { ProcessingContext } from './images/process-upload.js';
import type { LocalProcessingQueue } from './jobs/local-processing.js';
import type { ProcessingQueue } from './jobs/processing-queue.js';
import { lazyPort, once } from './lazy-port.js';
import type { Logger } from './logger.js';
import type { BlobStore } from './storage/blob-store.js';
import type { LocalBlobStore } from './storage/local.js';
import type { Tagger } from './tagging/tagger.js';

export interface Adapters {
  identity: IdentityProvider;
  blobs: BlobStore;
  catalog: ImageCatalog;
  /** Loads the tagger on first call; a failed load is retried on the next call. */
  tagger: () => Promise<Tagger>;
  processing: ProcessingQueue;
  /** STORAGE=local: the store whose signed URLs this app serves at /files/*. */
  localFiles?: LocalBlobStore;
  /** STORAGE=local: the durable job queue the local worker takes jobs from. */
  localQueue?: LocalProcessingQueue;
  close(): Promise<void>;
}

export async function buildAdapters(config: Config): Promise<Adapters> {
  let db: Db | undefined;
  const database = async () => {
    if (!db) {
      const { openDatabase } = await import('./db/database.js');
      db = openDatabase(join(config.dataDir, 'pixtag.db'));
    }
    return db;
  };

  const identity = await buildIdentity(config, database);
  const { blobs, localFiles } = await buildBlobs(config);
  const catalog = await buildCatalog(config, database);
  let loadedTagger: Tagger | undefined;
  const tagger = once(async () => (loadedTagger = await loadTagger(config)));

  let localQueue: LocalProcessingQueue | undefined;
  let processing: ProcessingQueue;
  if (config.storage.kind === 'local') {
    const [{ JobQueue }, { LocalProcessingQueue }] = await Promise.all([
      import('./jobs/job-queue.js'),
      import('./jobs/local-processing.js'),
    ]);
    localQueue = new LocalProcessingQueue(new JobQueue(await database()));
    processing = localQueue;
  } else {
    const { createLambdaProcessing } = await import('./jobs/lambda-processing.js');
    processing = createLambdaProcessing({
      functionName: config.uploadFunctionName!,
      region: config.storage.region,
    });
  }

  return {
    identity,
    blobs,
    catalog,
    tagger,
    processing,
    ...(localFiles ? { localFiles } : {}),
    ...(localQueue ? { localQueue } : {}),
    async close() {
      await loadedTagger?.close?.();
      db?.close();
    },
  };
}

async function buildIdentity(
  config: Config,
  database: () => Promise<Db>,
): Promise<IdentityProvider> {
  const auth = config.auth;
  if (auth.kind === 'cognito') {
    // Verifying a token needs only the rules; the Cognito client loads on the first sign-up/in.
    const { cognitoTokenRules } = await import('./identity/cognito-token-rules.js');
    const cognito = once(async () => {
      const { CognitoIdentityProvider } = await import('./identity/cognito.js');
      return new CognitoIdentityProvider(auth);
    });
    return {
      tokenRules: cognitoTokenRules(auth),
      signUp: async (username, password) => (await cognito()).signUp(username, password),
      signIn: async (username, password) => (await cognito()).signIn(username, password),
    };
  }
  const { LocalIdentityProvider } = await import('./identity/local.js');
  return LocalIdentityProvider.open({
    db: await database(),
    dataDir: config.dataDir,
    issuer: config.publicUrl,
  });
}

async function buildBlobs(
  config: Config,
): Promise<{ blobs: BlobStore; localFiles?: LocalBlobStore }> {
  const ttl = {
    uploadTtlSeconds: config.uploadUrlTtlSeconds,
    downloadTtlSeconds: config.uploadUrlTtlSeconds,
  };
  const storage = config.storage;
  if (storage.kind === 's3') {
    // The S3 client and presigner load on the first request that needs them.
    const blobs = lazyPort<BlobStore>(async () => {
      const { S3BlobStore } = await import('./storage/s3.js');
      return new S3BlobStore({ ...storage, ...ttl });
    });
    return { blobs };
  }
  const { LocalBlobStore } = await import('./storage/local.js');
  const localFiles = await LocalBlobStore.open({
    dataDir: config.dataDir,
    publicUrl: config.publicUrl,
    ...ttl,
  });
  return { blobs: localFiles, localFiles };
}

async function buildCatalog(config: Config, database: () => Promise<Db>): Promise<ImageCatalog> {
  const index = config.index;
  if (index.kind === 'opensearch') {
    return lazyPort<ImageCatalog>(async () => {
      const { OpenSearchImageCatalog } = await import('./catalog/opensearch.js');
      return OpenSearchImageCatalog.open(index);
    });
  }
  const { SqliteImageCatalog } = await import('./catalog/sqlite.js');
  return new SqliteImageCatalog(await database());
}

async function loadTagger(config: Config): Promise<Tagger> {
  if (config.tagger.kind === 'clarifai') {
    const { createClarifaiTagger } = await import('./tagging/clarifai.js');
    const region = config.storage.kind === 's3' ? config.storage.region : undefined;
    return createClarifaiTagger({ ...config.tagger, ...(region ? { region } : {}) });
  }
  // Threads, even one: inference would otherwise block the HTTP event loop for each image.
  const { LocalModelPool } = await import('./tagging/local-model-pool.js');
  return new LocalModelPool({ size: config.tagWorkers });
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
