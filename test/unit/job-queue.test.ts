import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { JobQueue } from '../../src/jobs/job-queue.js';

const NOW = 1_750_000_000_000;
const LEASE = 60_000;

function freshQueue(): JobQueue {
  return new JobQueue(openDatabase(':memory:'));
}

describe('JobQueue', () => {
  it('when jobs are enqueued, then they are claimed by run time, then first in', () => {
    const queue = freshQueue();
    queue.enqueue('u/a/3', NOW + 10);
    queue.enqueue('u/a/1', NOW);
    queue.enqueue('u/a/2', NOW);
    queue.enqueue('u/a/later', NOW + 1_000);
    expect(queue.size()).toBe(4);
    const at = NOW + 10;
    expect(queue.claimNext(at, LEASE)).toEqual({ key: 'u/a/1', attempts: 1 });
    expect(queue.claimNext(at, LEASE)).toEqual({ key: 'u/a/2', attempts: 1 });
    expect(queue.claimNext(at, LEASE)).toEqual({ key: 'u/a/3', attempts: 1 });
    expect(queue.claimNext(at, LEASE)).toBeUndefined();
    expect(queue.nextDueAt()).toBe(NOW + 1_000);
  });

  it('when the queue is empty, then nothing is claimed and nothing is due', () => {
    const queue = freshQueue();
    expect(queue.claimNext(NOW, LEASE)).toBeUndefined();
    expect(queue.nextDueAt()).toBeUndefined();
    expect(queue.size()).toBe(0);
  });

  it('when a job is completed, then it is gone', () => {
    const queue = freshQueue();
    queue.enqueue('k', NOW);
    queue.claimNext(NOW, LEASE);
    queue.complete('k');
    expect(queue.size()).toBe(0);
    expect(queue.claimNext(NOW + 10 * LEASE, LEASE)).toBeUndefined();
  });

  it('when a lease runs out, then the job is due again with one more attempt', () => {
    const queue = freshQueue();
    queue.enqueue('k', NOW);
    expect(queue.claimNext(NOW, LEASE)).toEqual({ key: 'k', attempts: 1 });
    expect(queue.nextDueAt()).toBe(NOW + LEASE);
    expect(queue.claimNext(NOW + LEASE - 1, LEASE)).toBeUndefined();
    expect(queue.claimNext(NOW + LEASE, LEASE)).toEqual({ key: 'k', attempts: 2 });
  });

  it('when a job is retried later, then it waits until then and keeps its error', () => {
    const queue = freshQueue();
    queue.enqueue('k', NOW);
    queue.claimNext(NOW, LEASE);
    queue.retryLater('k', NOW + 5_000, 'tagger unavailable');
    expect(queue.nextDueAt()).toBe(NOW + 5_000);
    expect(queue.lastError('k')).toBe('tagger unavailable');
    expect(queue.claimNext(NOW + 4_999, LEASE)).toBeUndefined();
    expect(queue.claimNext(NOW + 5_000, LEASE)).toEqual({ key: 'k', attempts: 2 });
  });

  it('when a job is cancelled, then it is never claimed', () => {
    const queue = freshQueue();
    queue.enqueue('k', NOW);
    expect(queue.cancel('k')).toBe(true);
    expect(queue.cancel('k')).toBe(false);
    expect(queue.claimNext(NOW, LEASE)).toBeUndefined();
  });

  it('when a queued key is enqueued again, then it runs at the new time with attempts reset', () => {
    const queue = freshQueue();
    queue.enqueue('k', NOW);
    queue.claimNext(NOW, LEASE);
    queue.retryLater('k', NOW + 60_000, 'tagger unavailable');
    queue.enqueue('k', NOW + 1);
    expect(queue.size()).toBe(1);
    expect(queue.lastError('k')).toBeUndefined();
    expect(queue.claimNext(NOW + 1, LEASE)).toEqual({ key: 'k', attempts: 1 });
  });

  it('when a running job is enqueued again, then finishing the old run keeps the new one', () => {
    const queue = freshQueue();
    queue.enqueue('k', NOW);
    queue.claimNext(NOW, LEASE);
    queue.enqueue('k', NOW + 1); // a retag while the first run is still tagging
    queue.complete('k');
    queue.retryLater('k', NOW + 60_000, 'late failure of the old run');
    expect(queue.claimNext(NOW + 1, LEASE)).toEqual({ key: 'k', attempts: 1 });
  });

  it('when leases are released at start-up, then leased jobs run now and delayed ones wait', () => {
    const queue = freshQueue();
    queue.enqueue('crashed', NOW);
    queue.enqueue('backing-off', NOW);
    queue.claimNext(NOW, LEASE);
    queue.claimNext(NOW, LEASE);
    queue.retryLater('backing-off', NOW + 30_000, 'throttled');
    expect(queue.releaseAllLeases(NOW + 1)).toBe(1);
    expect(queue.nextDueAt()).toBe(NOW + 1);
    expect(queue.claimNext(NOW + 1, LEASE)).toEqual({ key: 'crashed', attempts: 2 });
    expect(queue.claimNext(NOW + 1, LEASE)).toBeUndefined();
  });

  it('when the file is closed and reopened, then queued and leased jobs are still there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixtag-jobs-'));
    try {
      const file = join(dir, 'pixtag.db');
      const db = openDatabase(file);
      const before = new JobQueue(db);
      before.enqueue('u/a/1', NOW);
      before.enqueue('u/a/2', NOW + 1);
      before.claimNext(NOW + 1, LEASE); // the process "crashes" holding u/a/1
      db.close();

      const reopened = openDatabase(file);
      const after = new JobQueue(reopened);
      expect(after.size()).toBe(2);
      after.releaseAllLeases(NOW + 2);
      expect(after.claimNext(NOW + 2, LEASE)).toEqual({ key: 'u/a/2', attempts: 1 });
      expect(after.claimNext(NOW + 2, LEASE)).toEqual({ key: 'u/a/1', attempts: 2 });
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
