// The local model on a pool of worker threads, behind the same Tagger port as the in-process
// LocalModelTagger. Inference is single-threaded wasm and takes hundreds of ms an image: in the
// main thread it would stall every HTTP request meanwhile, and one model can use only one core.
// Each thread holds its own model (about 0.5 s to load, about 150 MiB of RSS); threads start one
// by one as images arrive, up to `size`, so the API never pays and an idle server holds no model.
// A thread's RSS crept up as it worked (about 0.1 MiB an image, in the wasm and V8 heaps, with no
// tensor leaked) until its young generation was capped (#start); a thread still retires after
// `imagesPerThread` images and the next image starts a fresh one, as a bound on any creep left.
// Every 200 images cost 5% more CPU (model loads) and higher RSS peaks in a 1,000-upload soak than
// never (bench:tagging-soak, BENCHMARKS.md section 3), so the default is 1,000.
import { Worker } from 'node:worker_threads';
import { TransientError } from '../domain/errors.js';
import type { LocalModelTaggerOptions } from './local-model.js';
import { receivedError, type TagReply, type TagRequest } from './tag-thread-protocol.js';
import type { ImageToTag, Tagger, TaggerResult } from './tagger.js';
import { workerScript, type WorkerScript } from './worker-script.js';
import { LOCAL_MIN_CONFIDENCE } from './local-cut-off.js';

export interface LocalModelPoolOptions extends LocalModelTaggerOptions {
  /** Most threads, each with its own model. */
  size: number;
  /** Images a thread tags before it is replaced by a fresh one (default 1,000). */
  imagesPerThread?: number;
  /** For tests: another thread script speaking tag-thread-protocol. */
  script?: WorkerScript;
}

export interface LocalModelPoolStats {
  /** Threads alive (started, not yet exited). */
  threads: number;
  /** Threads tagging an image right now. */
  busy: number;
  /** Images waiting for a free thread. */
  queued: number;
  /** Threads that died on their own and were replaced (or will be, on the next image). */
  crashes: number;
  /** Threads retired after imagesPerThread images. */
  retired: number;
}

interface Job {
  request: TagRequest;
  resolve(result: TaggerResult): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  job: Job | undefined;
  error: Error | undefined;
  terminating: boolean;
  /** Images answered, to retire the thread after imagesPerThread. */
  tagged: number;
}

/** Each model thread's V8 young generation, MiB (see #start). */
const YOUNG_GENERATION_MB = 6;

export class LocalModelPool implements Tagger {
  readonly name = 'local';
  readonly defaultMinConfidence = LOCAL_MIN_CONFIDENCE;
  readonly #options: LocalModelTaggerOptions;
  readonly #size: number;
  readonly #imagesPerThread: number;
  readonly #script: WorkerScript;
  readonly #threads = new Set<Thread>();
  readonly #queue: Job[] = [];
  #nextId = 1;
  #crashes = 0;
  #retired = 0;

  constructor({ size, script, imagesPerThread = 1000, ...options }: LocalModelPoolOptions) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`pool size must be ≥ 1, got ${size}`);
    if (!(imagesPerThread >= 1)) throw new Error(`imagesPerThread must be ≥ 1`);
    this.#size = size;
    this.#imagesPerThread = imagesPerThread;
    this.#options = options;
    this.#script = script ?? workerScript('local-model-worker', import.meta.url);
  }

  async tag(image: ImageToTag): Promise<TaggerResult> {
    // Decoded by the caller, on sharp's own threads in the main thread: bytes that are no image
    // never reach a thread, and sharp stays out of worker threads (on glibc it must outlive them).
    const { data, width, height } = image.pixels;
    // sharp's output memory cannot be transferred (Node would copy it, or refuse, by version);
    // one copy into memory of our own can, so the thread gets it without a second one, and the
    // caller's pixels stay whole.
    const pixels = new Uint8Array(data);
    return new Promise<TaggerResult>((resolve, reject) => {
      this.#queue.push({ request: { id: this.#nextId++, pixels, width, height }, resolve, reject });
      this.#dispatch();
    });
  }

  /** Stops every thread; queued and running images fail as transient (the worker retries them). */
  async close(): Promise<void> {
    for (const job of this.#queue.splice(0)) {
      job.reject(new TransientError('The local recognition model was closed.'));
    }
    await Promise.all(
      [...this.#threads].map((thread) => {
        thread.terminating = true;
        return thread.worker.terminate();
      }),
    );
  }

  stats(): LocalModelPoolStats {
    const threads = [...this.#threads];
    return {
      threads: threads.length,
      busy: threads.filter((t) => t.job).length,
      queued: this.#queue.length,
      crashes: this.#crashes,
      retired: this.#retired,
    };
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const thread = this.#idleThread() ?? (this.#threads.size < this.#size ? this.#start() : null);
      if (!thread) return;
      const job = this.#queue.shift()!;
      thread.job = job;
      thread.worker.ref();
      thread.worker.postMessage(job.request, [job.request.pixels.buffer]);
    }
  }

  #idleThread(): Thread | undefined {
    for (const thread of this.#threads) if (!thread.job && !thread.terminating) return thread;
    return undefined;
  }

  #start(): Thread {
    const { filename, options } = this.#script;
    const worker = new Worker(filename, {
      ...options,
      workerData: this.#options,
      // V8 lets each thread's young generation grow to up to 48 MiB, which a thread that mostly
      // holds tensors in WebAssembly never needs: 6 MiB keeps the server about 60 MiB smaller
      // after 500 uploads, with no change in CPU per image (BENCHMARKS.md, section 3).
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    const thread: Thread = {
      worker,
      job: undefined,
      error: undefined,
      terminating: false,
      tagged: 0,
    };
    worker.on('message', (reply: TagReply) => {
      const job = thread.job;
      if (!job || job.request.id !== reply.id) return;
      thread.job = undefined;
      // An idle thread does not keep the process alive; a busy one does, until it answers.
      worker.unref();
      if ('error' in reply) job.reject(receivedError(reply.error));
      else job.resolve(reply.result);
      thread.tagged += 1;
      if (thread.tagged >= this.#imagesPerThread) {
        // Its exit starts a replacement when images wait (below); until then it counts in size.
        thread.terminating = true;
        this.#retired += 1;
        void worker.terminate();
      }
      this.#dispatch();
    });
    worker.on('error', (error) => {
      thread.error = error; // 'exit' follows: the job is failed there
    });
    worker.on('exit', (code) => {
      this.#threads.delete(thread);
      if (!thread.terminating) this.#crashes += 1;
      // A retired thread exits with no job; a closed one may have had one.
      const job = thread.job;
      thread.job = undefined;
      if (job) {
        const why = thread.error?.message ?? `exit code ${code}`;
        const message = thread.terminating
          ? 'The local recognition model was closed while tagging the image.'
          : `The local recognition model's thread stopped while tagging the image (${why}).`;
        job.reject(new TransientError(message, { cause: thread.error }));
      }
      // A replacement starts only if images are waiting for one.
      this.#dispatch();
    });
    this.#threads.add(thread);
    return thread;
  }
}
