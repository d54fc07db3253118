// The ProcessingQueue contract for the plain server: LocalProcessingQueue over the durable job
// queue, on a real SQLite file in a temporary folder. A key is handed over when it is claimed the
// way the worker claims it (claimNext at a given time, then complete), so deadlines need no clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/database.js';
import type { ProcessOutcome } from '../../src/images/process-upload.js';
import { JobQueue } from '../../src/jobs/job-queue.js';
import { LocalProcessingQueue } from '../../src/jobs/local-processing.js';
import { startWorker } from '../../src/jobs/worker.js';
import { createLogger } from '../../src/logger.js';
import { eventually } from '../support/eventually.js';
import {
  processingQueueContract,
  type ProcessingQueueHarness,
} from './processing-queue.contract.js';

/** Takes every job due at `at`, as the worker does, and completes it. */
function claimAllDue(jobs: JobQueue, at: Date): string[] {
  const keys: string[] = [];
  for (let job = jobs.claimNext(at.getTime()); job; job = jobs.claimNext(at.getTime())) {
    keys.push(job.key);
    jobs.complete(job.key);
  }
  return keys;
}

function temporaryDatabase(): { file: string; db: Db; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'pixtag-jobs-'));
  const file = join(dir, 'pixtag.db');
  return {
    file,
    db: openDatabase(file),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function setupLocal(): Promise<ProcessingQueueHarness> {
  const { db, remove } = temporaryDatabase();
  const jobs = new JobQueue(db);
  return {
    queue: new LocalProcessingQueue(jobs),
    handedOverBy: async (at) => claimAllDue(jobs, at),
    async close() {
      db.close();
      remove();
    },
  };
}

processingQueueContract('local job queue on SQLite', { holdsKeys: true }, setupLocal);

describe('LocalProcessingQueue with its worker', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('when a key is enqueued to an idle worker, then the worker takes it at once, without waiting for its timer', async () => {
    const { db, remove } = temporaryDatabase();
    cleanups.push(remove, () => void db.close());
    const jobs = new JobQueue(db);
    const queue = new LocalProcessingQueue(jobs);
    const processed: string[] = [];
    const worker = startWorker({
      queue: jobs,
      log: createLogger('silent'),
      process: async (key): Promise<ProcessOutcome> => {
        processed.push(key);
        return { outcome: 'tagged', tags: 0 };
      },
    });
    cleanups.push(() => worker.stop());
    queue.attachWorker(worker);
    // Idle with nothing due, the worker sleeps a minute: only the wake-up can make it look sooner.
    await worker.idle();
    await queue.enqueue('u/owner/image');
    await eventually(() => expect(processed).toEqual(['u/owner/image']), { timeoutMs: 5_000 });
    await worker.idle();
    expect(jobs.size()).toBe(0);
  });

  it('when the file is opened again (a restart), then queued and expected keys are still handed over', async () => {
    const { file, db, remove } = temporaryDatabase();
    cleanups.push(remove);
    const before = new LocalProcessingQueue(new JobQueue(db));
    const deadline = new Date(Date.now() + 15 * 60_000);
    await before.enqueue('u/owner/queued');
    await before.expectUpload('u/owner/expected', deadline);
    db.close();

    const reopened = openDatabase(file);
    cleanups.push(() => void reopened.close());
    const jobs = new JobQueue(reopened);
    expect(claimAllDue(jobs, new Date())).toEqual(['u/owner/queued']);
    expect(claimAllDue(jobs, deadline)).toEqual(['u/owner/expected']);
  });
});
