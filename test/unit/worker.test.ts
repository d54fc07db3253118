import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import type { ProcessOptions, ProcessOutcome } from '../../src/images/process-upload.js';
import { JobQueue } from '../../src/jobs/job-queue.js';
import { startWorker, type Worker, type WorkerOptions } from '../../src/jobs/worker.js';
import { createLogger } from '../../src/logger.js';

const TAGGED: ProcessOutcome = { outcome: 'tagged', tags: 1 };

/** A processUpload stand-in whose calls the test finishes one by one. */
function controlledProcess() {
  const calls: { key: string; options: ProcessOptions; finish(error?: Error): void }[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const process = (key: string, options: ProcessOptions) =>
    new Promise<ProcessOutcome>((resolve, reject) => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      calls.push({
        key,
        options,
        finish(error) {
          running -= 1;
          if (error) reject(error);
          else resolve(TAGGED);
        },
      });
    });
  return { process, calls, mostAtOnce: () => mostAtOnce, running: () => running };
}

describe('startWorker with concurrency', () => {
  const workers: Worker[] = [];
  const start = (options: Omit<WorkerOptions, 'log'>) => {
    const worker = startWorker({ log: createLogger('silent'), ...options });
    workers.push(worker);
    return worker;
  };

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });

  it('when more jobs are due than its concurrency, then exactly that many run at once, and all finish', async () => {
    const queue = new JobQueue(openDatabase(':memory:'));
    for (const key of ['u/a/1', 'u/a/2', 'u/a/3', 'u/a/4', 'u/a/5']) queue.enqueue(key);
    const fake = controlledProcess();
    const worker = start({ queue, process: fake.process, concurrency: 2 });

    await expect.poll(() => fake.calls.length).toBe(2);
    let idle = false;
    void worker.idle().then(() => (idle = true));
    for (let finished = 0; finished < 5; finished += 1) {
      expect(idle).toBe(false);
      fake.calls[finished]!.finish();
      // A freed slot is taken by the next due job, never more than 2 at once.
      await expect.poll(() => fake.calls.length).toBe(Math.min(5, finished + 3));
    }
    await worker.idle();
    expect(fake.mostAtOnce()).toBe(2);
    expect(fake.calls.map((c) => c.key).sort()).toEqual([
      'u/a/1',
      'u/a/2',
      'u/a/3',
      'u/a/4',
      'u/a/5',
    ]);
    expect(queue.size()).toBe(0);
  });

  it('when jobs run at once, then each is leased to one run: a due job never runs twice at a time', async () => {
    const queue = new JobQueue(openDatabase(':memory:'));
    queue.enqueue('u/a/only');
    const fake = controlledProcess();
    const worker = start({ queue, process: fake.process, concurrency: 4 });
    await expect.poll(() => fake.calls.length).toBe(1);
    worker.wake();
    worker.wake();
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.calls).toHaveLength(1);
    fake.calls[0]!.finish();
    await worker.idle();
    expect(fake.calls).toHaveLength(1);
    expect(queue.size()).toBe(0);
  });

  it('when one job keeps failing, then it is retried with back-off while the others go on, and its last attempt is marked final', async () => {
    const queue = new JobQueue(openDatabase(':memory:'));
    queue.enqueue('u/a/flaky');
    queue.enqueue('u/a/good');
    const seen: { key: string; finalAttempt: boolean; at: number }[] = [];
    const process = async (key: string, options: ProcessOptions): Promise<ProcessOutcome> => {
      seen.push({ key, finalAttempt: options.finalAttempt, at: Date.now() });
      if (key === 'u/a/flaky' && !options.finalAttempt) throw new Error('tagger unavailable');
      return TAGGED;
    };
    const worker = start({ queue, process, concurrency: 2, maxAttempts: 3, baseDelayMs: 40 });
    await expect.poll(() => seen.filter((s) => s.key === 'u/a/flaky').length).toBe(3);
    await worker.idle();

    const flaky = seen.filter((s) => s.key === 'u/a/flaky');
    expect(flaky.map((s) => s.finalAttempt)).toEqual([false, false, true]);
    expect(flaky[1]!.at - flaky[0]!.at).toBeGreaterThanOrEqual(40);
    expect(flaky[2]!.at - flaky[1]!.at).toBeGreaterThanOrEqual(80);
    expect(seen.filter((s) => s.key === 'u/a/good')).toHaveLength(1);
    expect(queue.size()).toBe(0);
  });

  it('when stopped with jobs running, then stop waits for every one of them and no new job starts', async () => {
    const queue = new JobQueue(openDatabase(':memory:'));
    for (const key of ['u/a/1', 'u/a/2', 'u/a/3']) queue.enqueue(key);
    const fake = controlledProcess();
    const worker = start({ queue, process: fake.process, concurrency: 2 });
    await expect.poll(() => fake.calls.length).toBe(2);

    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    fake.calls[0]!.finish();
    await expect.poll(() => fake.running()).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    fake.calls[1]!.finish();
    await stopping;

    expect(fake.calls).toHaveLength(2);
    expect(queue.size()).toBe(1); // the third waits, unclaimed, for the next start
    expect(queue.claimNext(Date.now(), 1000)).toMatchObject({ key: 'u/a/3', attempts: 1 });
  });
});
