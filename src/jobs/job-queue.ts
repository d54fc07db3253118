// The durable local job queue: object keys waiting to be processed, in the SQLite file, so a
// restart resumes unfinished work. At-least-once: a job is deleted only when its worker completes
// it; a worker that dies holding a lease lets the job become due again when the lease runs out.
// Synchronous, like better-sqlite3 under it. Times are milliseconds since the epoch.
import type { Db } from '../db/database.js';

export interface ClaimedJob {
  key: string;
  /** How many times the job has been claimed, this claim included (1 on the first run). */
  attempts: number;
}

/** Long enough for one processUpload with the tagger's own retries; a lost worker costs this much. */
export const DEFAULT_LEASE_MS = 5 * 60_000;

export class JobQueue {
  private readonly sql;

  constructor(db: Db) {
    this.sql = {
      // A re-enqueue (a retag) also resets a job a worker holds; clearing leased_until makes that
      // worker's complete/retryLater leave the new request queued instead of dropping it.
      enqueue: db.prepare<{ key: string; runAt: number; now: number }>(`
        INSERT INTO jobs (key, run_after, attempts, leased_until, last_error, enqueued_at)
        VALUES (@key, @runAt, 0, NULL, NULL, @now)
        ON CONFLICT (key) DO UPDATE SET
          run_after = excluded.run_after, attempts = 0, leased_until = NULL, last_error = NULL`),
      cancel: db.prepare<[string]>(`DELETE FROM jobs WHERE key = ?`),
      // One statement, so the pick and the lease are atomic even with several workers. Ties in
      // run_after go by rowid: first enqueued, first claimed.
      claim: db.prepare<{ now: number; until: number }, ClaimedJob>(`
        UPDATE jobs SET run_after = @until, leased_until = @until, attempts = attempts + 1
        WHERE rowid = (
          SELECT rowid FROM jobs WHERE run_after <= @now ORDER BY run_after, rowid LIMIT 1)
        RETURNING key, attempts`),
      complete: db.prepare<[string]>(`DELETE FROM jobs WHERE key = ? AND leased_until IS NOT NULL`),
      retryLater: db.prepare<{ key: string; runAt: number; error: string }>(`
        UPDATE jobs SET run_after = @runAt, leased_until = NULL, last_error = @error
        WHERE key = @key AND leased_until IS NOT NULL`),
      releaseAll: db.prepare<[number]>(
        `UPDATE jobs SET run_after = ?, leased_until = NULL WHERE leased_until IS NOT NULL`,
      ),
      nextDueAt: db.prepare<[], { at: number | null }>(`SELECT min(run_after) AS at FROM jobs`),
      size: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM jobs`),
      lastError: db.prepare<[string], { last_error: string | null }>(
        `SELECT last_error FROM jobs WHERE key = ?`,
      ),
    };
  }

  /** Queues the key, or, if it is already queued, resets it to run at runAt with 0 attempts. */
  enqueue(key: string, runAt: number = Date.now()): void {
    this.sql.enqueue.run({ key, runAt, now: Date.now() });
  }

  /** true when a job was removed. */
  cancel(key: string): boolean {
    return this.sql.cancel.run(key).changes > 0;
  }

  /**
   * Takes the due job (run_after <= now) that has waited longest and leases it until
   * now + leaseMs; undefined when nothing is due.
   */
  claimNext(now: number = Date.now(), leaseMs: number = DEFAULT_LEASE_MS): ClaimedJob | undefined {
    return this.sql.claim.get({ now, until: now + leaseMs });
  }

  /** Done: removes the job, unless it was re-enqueued while it ran (then it runs again). */
  complete(key: string): void {
    this.sql.complete.run(key);
  }

  /** Releases the lease; the job is due again at runAt. Ignored if it was re-enqueued meanwhile. */
  retryLater(key: string, runAt: number, error: string): void {
    this.sql.retryLater.run({ key, runAt, error });
  }

  /**
   * Makes every leased job due at `now`. For start-up of the single local worker: any lease
   * still held belongs to a process that died, so its job need not wait out the lease.
   * Returns how many jobs were released.
   */
  releaseAllLeases(now: number = Date.now()): number {
    return this.sql.releaseAll.run(now).changes;
  }

  /** When the next job is due (a lease's expiry for a leased job), or undefined if none. */
  nextDueAt(): number | undefined {
    return this.sql.nextDueAt.get()?.at ?? undefined;
  }

  size(): number {
    return this.sql.size.get()?.n ?? 0;
  }

  /** The error recorded by the last retryLater, for logs and tests. */
  lastError(key: string): string | undefined {
    return this.sql.lastError.get(key)?.last_error ?? undefined;
  }
}
