// The local worker: takes due jobs from the durable queue one at a time and runs processUpload.
// A transient failure is retried with exponential back-off; the last attempt is told it is the
// last, so it ends the image as failed rather than leaving it pending. Only the plain server
// runs this; on AWS, S3 events and Lambda's own retries play its part.
import type { Logger } from '../logger.js';
import type { ProcessOutcome, ProcessOptions } from '../images/process-upload.js';
import type { JobQueue } from './job-queue.js';

export interface WorkerOptions {
  queue: JobQueue;
  process: (key: string, options: ProcessOptions) => Promise<ProcessOutcome>;
  log: Logger;
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
  /** Stops taking jobs and resolves once the running one has finished. */
  stop(): Promise<void>;
  /** Resolves when no job is due (for tests and benchmarks). */
  idle(): Promise<void>;
}

export function startWorker(options: WorkerOptions): Worker {
  const { queue, log } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const leaseMs = options.leaseMs ?? 10 * 60_000;

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wakeUp: (() => void) | undefined;
  const idleWaiters: Array<() => void> = [];

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wakeUp = resolve;
      timer = setTimeout(resolve, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    }).finally(() => {
      clearTimeout(timer);
      wakeUp = undefined;
    });

  async function runOne(): Promise<boolean> {
    const job = queue.claimNext(Date.now(), leaseMs);
    if (!job) return false;
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
    return true;
  }

  const loop = (async () => {
    while (!stopped) {
      let worked = false;
      try {
        worked = await runOne();
      } catch (error) {
        // The queue itself failed (disk full, DB locked for long): back off, keep the process up.
        log.error({ err: error }, 'job queue error');
        await sleep(baseDelayMs);
        continue;
      }
      if (worked) continue;
      idleWaiters.splice(0).forEach((resolve) => resolve());
      if (stopped) break;
      const due = queue.nextDueAt();
      await sleep(due === undefined ? 60_000 : due - Date.now());
    }
  })();

  return {
    wake() {
      wakeUp?.();
    },
    async stop() {
      stopped = true;
      wakeUp?.();
      await loop;
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        wakeUp?.();
      });
    },
  };
}
