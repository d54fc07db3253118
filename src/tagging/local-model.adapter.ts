// TAGGER=local (the default): the bundled model, on up to TAG_WORKERS threads (a shared
// variable: the local worker also runs that many jobs at once, whichever tagger). Inference runs
// on threads even with one: in the main thread it would block the HTTP event loop for each image.
import * as z from 'zod';
import { taggerAdapter } from '../adapter-descriptor.js';

export const localModelTagger = taggerAdapter({
  kind: 'local',
  envSchema: z.object({}),
  settings: () => ({}),
  // The table only (data): the model loads in create(), on the worker, never for this.
  vocabulary: async () => (await import('./local-vocabulary.js')).LOCAL_VOCABULARY,
  async create(_settings, { tagWorkers }) {
    const { LocalModelPool } = await import('./local-model-pool.js');
    return new LocalModelPool({ size: tagWorkers });
  },
});
