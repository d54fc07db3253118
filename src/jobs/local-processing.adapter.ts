// The ProcessingQueue of STORAGE=local: the durable job queue in the SQLite database, which the
// local runtime's worker (jobs/worker.ts) takes jobs from; hence it is handed out as localQueue too.
import { processingAdapter } from '../adapter-descriptor.js';

export const localProcessing = processingAdapter({
  kind: 'local',
  async create({ database }) {
    const [{ JobQueue }, { LocalProcessingQueue }] = await Promise.all([
      import('./job-queue.js'),
      import('./local-processing.js'),
    ]);
    const queue = new LocalProcessingQueue(new JobQueue(await database()));
    return { processing: queue, localQueue: queue };
  },
});
