// pixtag on one machine: the adapters, the app and the job worker wired together. server.ts
// adds listen and signals; component tests use this directly, so they run the real thing.
import { fileURLToPath } from 'node:url';
import type express from 'express';
import { buildAdapters, imagesContext, processingContext, type Adapters } from './adapters.js';
import { createApp, type AppDeps } from './app.js';
import type { Config } from './config.js';
import { storageOriginOf } from './storage/storage-origin.js';
import { processUpload } from './images/process-upload.js';
import { startWorker, type Worker, type WorkerOptions } from './jobs/worker.js';
import type { Logger } from './logger.js';
import type { Tagger } from './tagging/tagger.js';

export interface LocalRuntime {
  app: express.Express;
  adapters: Adapters;
  worker: Worker;
  /** Finishes the running jobs, then closes the tagger and the database. */
  close(): Promise<void>;
}

export interface LocalRuntimeOptions {
  log: Logger;
  /** For tests: wrap the tagger (to simulate an outage, say). */
  tagger?: (real: () => Promise<Tagger>) => () => Promise<Tagger>;
  worker?: Pick<
    WorkerOptions,
    'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'leaseMs' | 'concurrency'
  >;
  signInRateLimit?: AppDeps['signInRateLimit'];
  /** For tests: the built web gallery from another folder than dist/web. */
  webDir?: string;
}

export async function startLocalRuntime(
  config: Config,
  options: LocalRuntimeOptions,
): Promise<LocalRuntime> {
  const adapters = await buildAdapters(config);
  const queue = adapters.localQueue;
  if (!queue)
    throw new Error('the local runtime needs STORAGE=local: its worker serves the local queue');
  // A single local worker owns the queue: whatever a crashed process had claimed is due now.
  queue.jobs.releaseAllLeases();

  const images = imagesContext(config, adapters);
  const processing = processingContext(config, adapters, options.log);
  if (options.tagger) processing.tagger = options.tagger(adapters.tagger);
  const worker = startWorker({
    queue: queue.jobs,
    log: options.log,
    // One job per tagging thread; with Clarifai, as many requests in flight.
    concurrency: config.tagWorkers,
    ...options.worker,
    process: (key, processOptions) => processUpload(processing, key, processOptions),
  });
  queue.attachWorker(worker);

  const app = createApp({
    images,
    identity: adapters.identity,
    log: options.log,
    maxUploadBytes: config.maxUploadBytes,
    corsOrigin: config.corsOrigin,
    storageOrigin: storageOriginOf(config),
    // The same folder from dist/local-runtime.js (npm start) and from src/local-runtime.ts (tsx).
    webDir: options.webDir ?? fileURLToPath(new URL('../dist/web/', import.meta.url)),
    ...(adapters.localFiles ? { localFiles: adapters.localFiles } : {}),
    ...(options.signInRateLimit ? { signInRateLimit: options.signInRateLimit } : {}),
  });

  return {
    app,
    adapters,
    worker,
    async close() {
      await worker.stop();
      await adapters.close();
    },
  };
}
