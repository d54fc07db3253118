// The ProcessingQueue of the plain server: the durable SQLite job queue, and a nudge to the local
// worker so a new job does not wait for its next timer.
import type { ProcessingQueue } from './processing-queue.js';
import type { JobQueue } from './job-queue.js';

export class LocalProcessingQueue implements ProcessingQueue {
  private wakeWorker: () => void = () => {};

  constructor(readonly jobs: JobQueue) {}

  /** The worker that takes these jobs; it is told of every job queued for now. */
  attachWorker(worker: { wake(): void }): void {
    this.wakeWorker = () => worker.wake();
  }

  async enqueue(key: string): Promise<void> {
    this.jobs.enqueue(key);
    this.wakeWorker();
  }

  async cancel(key: string): Promise<void> {
    this.jobs.cancel(key);
  }

  async expectUpload(key: string, deadline: Date): Promise<void> {
    this.jobs.enqueue(key, deadline.getTime());
  }
}
