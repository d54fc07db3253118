// One tagging thread of the pool (local-model-pool.ts): its own wasm runtime and its own copy of
// the model, loaded on its first image. Pixels come in already decoded; tags go back.
import { parentPort, workerData } from 'node:worker_threads';
import { LocalModelTagger, type LocalModelTaggerOptions } from './local-model.js';
import { serveTagRequests } from './tag-thread-protocol.js';

if (!parentPort) throw new Error('local-model-worker runs only as a worker thread');
const tagger = new LocalModelTagger(workerData as LocalModelTaggerOptions);
serveTagRequests(parentPort, (image) => tagger.tagPixels(image));
