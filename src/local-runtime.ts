// pixtag on one machine: the adapters, the app and the job worker wired together. server.ts
// adds listen and signals; component tests use this directly, so they run the real thing.
import type express from 'express';
import { buildAdapters, type Adapters } from './adapters.js';
import { createApp, type AppDeps } from './app.js';
import type { Config } from './config.js';
import type { ImagesContext, ProcessingQueue } from './images/context.js';
import { processUpload } from './images/process-upload.js';
import { startWorker, type Worker, type WorkerOptions } from './jobs/worker.js';
import type { Logger } from './logger.js';
import type { Tagger } from './tagging/tagger.js';

export interface LocalRuntime {
  app: express.Express;
  adapters: Adapters;
  worker: Worker;
  /** Finishes the running job, then closes the database. */
  close(): Promise<void>;
}

export interface LocalRuntimeOptions {
  log: Logger;
  /** For tests: wrap the tagger (to simulate an outage, say). */
  tagger?: (real: () => Promise<Tagger>) => () => Promise<Tagger>;
  worker?: Pick<WorkerOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'leaseMs'>;
  signInRateLimit?: AppDeps['signInRateLimit'];
}

export async function startLocalRuntime(
  config: Config,
  options: LocalRuntimeOptions,
): Promise<LocalRuntime> {
  const adapters = await buildAdapters(config);
  const jobs = adapters.jobs!;
  // A single local worker owns the queue: whatever a crashed process had claimed is due now.
  jobs.releaseAllLeases();

  const processing: ProcessingQueue = {
    async enqueue(key) {
      jobs.enqueue(key);
      // Defined below; requests (the only callers) start after it exists.
      worker.wake();
    },
    async cancel(key) {
      jobs.cancel(key);
    },
    async expectUpload(key, deadline) {
      jobs.enqueue(key, deadline.getTime());
    },
  };
  const images: ImagesContext = {
    catalog: adapters.catalog,
    blobs: adapters.blobs,
    processing,
    uploadUrlTtlSeconds: config.uploadUrlTtlSeconds,
    now: () => new Date(),
  };
  const tagger = options.tagger ? options.tagger(adapters.tagger) : adapters.tagger;

  const worker: Worker = startWorker({
    queue: jobs,
    log: options.log,
    ...options.worker,
    process: (key, processOptions) =>
      processUpload(
        {
          ...images,
          tagger,
          tagging: { minConfidence: config.tagMinConfidence, max: config.tagMax },
          maxUploadBytes: config.maxUploadBytes,
          log: options.log,
        },
        key,
        processOptions,
      ),
  });

  const app = createApp({
    images,
    identity: adapters.identity,
    log: options.log,
    maxUploadBytes: config.maxUploadBytes,
    corsOrigin: config.corsOrigin,
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
