// The local worker: takes due jobs from the durable queue and runs processUpload, up to
// `concurrency` at once (one per tagging thread: more would only wait for a thread, holding a
// lease meanwhile). A transient failure is retried with exponential back-off; the last attempt is
// told it is the last, so it ends the image as failed rather than leaving it pending. Only the
// plain server runs this; on AWS, S3 events and Lambda's own retries play its part.
import type { Logger } from '../logger.js';
import type { ProcessOutcome, ProcessOptions } from '../images/process-upload.js';
import type { ClaimedJob, JobQueue } from './job-queue.js';

export interface WorkerOptions {
  queue: JobQueue;
  process: (key: string, options: ProcessOptions) => Promise<ProcessOutcome>;
  log: Logger;
  /** Jobs run at the same time (default 1). */
  concurrency?: number;
  /** Attempts per job before the image is marked failed. */
  maxAttempts?: number;
  /** Back-off after the first failure; doubles each time up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long a claimed job is reserved: after a crash it becomes due again when this runs out. */
  leaseMs?: number;
}

export interface Worker {
  /** A job was queued: look now instead of at the next timer. */
  wake(): void;
  /** Stops taking jobs and resolves once every running one has finished. */
  stop(): Promise<void>;
  /** Resolves when no job is due and none is running (for tests and benchmarks). */
  idle(): Promise<void>;
}

export function startWorker(options: WorkerOptions): Worker {
  const { queue, log } = options;
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`worker concurrency must be a whole number ≥ 1, got ${concurrency}`);
  }
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const leaseMs = options.leaseMs ?? 10 * 60_000;

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wakeUp: (() => void) | undefined;
  // A wake-up that came while the loop was busy: its next sleep returns at once.
  let woken = false;
  const running = new Set<Promise<void>>();
  const idleWaiters: Array<() => void> = [];

  const wake = () => {
    woken = true;
    wakeUp?.();
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken) return resolve();
      wakeUp = resolve;
      timer = setTimeout(resolve, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    }).finally(() => {
      clearTimeout(timer);
      wakeUp = undefined;
      woken = false;
    });

  async function run(job: ClaimedJob): Promise<void> {
    const finalAttempt = job.attempts >= maxAttempts;
    try {
      const result = await options.process(job.key, { finalAttempt });
      if (result.outcome === 'awaiting-upload') {
        queue.retryLater(job.key, result.retryAt.getTime(), 'waiting for the upload');
      } else {
        queue.complete(job.key);
      }
    } catch (error) {
      const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (job.attempts - 1));
      log.warn(
        { err: error, key: job.key, attempt: job.attempts, retryInMs: delay },
        'job failed, will retry',
      );
      queue.retryLater(job.key, Date.now() + delay, String(error));
    }
  }

  function start(job: ClaimedJob): void {
    const done = run(job)
      .catch((error: unknown) => {
        // The queue failed to record the outcome: the lease runs out and the job runs again.
        log.error({ err: error, key: job.key }, 'job queue error');
      })
      .finally(() => {
        running.delete(done);
        wake();
      });
    running.add(done);
  }

  const loop = (async () => {
    while (!stopped) {
      let due: number | undefined;
      try {
        if (running.size < concurrency) {
          const job = queue.claimNext(Date.now(), leaseMs);
          if (job) {
            start(job);
            continue;
          }
        }
        due = queue.nextDueAt();
      } catch (error) {
        // The queue itself failed (disk full, DB locked for long): back off, keep the process up.
        log.error({ err: error }, 'job queue error');
        await sleep(baseDelayMs);
        continue;
      }
      if (running.size === 0) idleWaiters.splice(0).forEach((resolve) => resolve());
      if (stopped) break;
      // Every slot busy: a finishing job wakes the loop. Else the next due job (or a lease of one
      // of ours, which also ends with a wake-up) or a new job does.
      await sleep(running.size >= concurrency || due === undefined ? 60_000 : due - Date.now());
    }
    await Promise.all(running);
  })();

  return {
    wake,
    async stop() {
      stopped = true;
      wake();
      await loop;
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        wake();
      });
    },
  };
}
