// pixtag on one machine: the adapters, the app (app.ts buildHttpApp, as on Lambda) and the job
// worker wired together. server.ts adds listen and signals; component tests use this directly,
// so they run the real thing.
import { fileURLToPath } from 'node:url';
import type express from 'express';
import { buildAdapters, processingContext, type Adapters } from './adapters.js';
import { buildHttpApp, type HttpAppOptions } from './app.js';
import type { Config } from './config.js';
import { processUpload } from './images/process-upload.js';
import { startWorker, type Worker, type WorkerOptions } from './jobs/worker.js';
import type { Tagger } from './tagging/tagger.js';

export interface LocalRuntime {
  app: express.Express;
  adapters: Adapters;
  worker: Worker;
  /** Finishes the running jobs, then closes the tagger and the database. */
  close(): Promise<void>;
}

/** The app's own options (webDir defaults to dist/web), and the worker's. */
export interface LocalRuntimeOptions extends HttpAppOptions {
  /** For tests: wrap the tagger (to simulate an outage, say). */
  tagger?: (real: () => Promise<Tagger>) => () => Promise<Tagger>;
  worker?: Pick<
    WorkerOptions,
    'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'leaseMs' | 'concurrency'
  >;
}

export async function startLocalRuntime(
  config: Config,
  { tagger, worker: workerOptions, ...appOptions }: LocalRuntimeOptions,
): Promise<LocalRuntime> {
  const { log } = appOptions;
  const adapters = await buildAdapters(config, log);
  const queue = adapters.localQueue;
  if (!queue)
    throw new Error('the local runtime needs STORAGE=local: its worker serves the local queue');
  // A single local worker owns the queue: whatever a crashed process had claimed is due now.
  queue.jobs.releaseAllLeases();

  const processing = processingContext(config, adapters, log);
  if (tagger) processing.tagger = tagger(adapters.tagger);
  const worker = startWorker({
    queue: queue.jobs,
    log,
    // One job per tagging thread; with Clarifai, as many requests in flight.
    concurrency: config.tagWorkers,
    ...workerOptions,
    process: (key, processOptions) => processUpload(processing, key, processOptions),
  });
  queue.attachWorker(worker);

  const app = buildHttpApp(config, adapters, {
    ...appOptions,
    // The same folder from dist/local-runtime.js (npm start) and from src/local-runtime.ts (tsx).
    webDir: appOptions.webDir ?? fileURLToPath(new URL('../dist/web/', import.meta.url)),
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
