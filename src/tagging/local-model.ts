// The offline tagger: CenterNet (80 COCO labels) and BlazeFace (faces) on the tfjs wasm backend,
// in this thread. It reads the pixels imaging/ decoded (it never decodes), runs the models that
// local-model-engine.ts loaded, and maps detections to labels (local-model-labels.ts, faces.ts).
// The pool (local-model-pool.ts) runs one of these in each of its threads.
import path from 'node:path';
import type * as HumanModule from '@vladmandic/human';
import { TransientError } from '../domain/errors.js';
import type { DecodedImage } from '../imaging/decode.js';
import { detectFaces } from './face-detector.js';
import { faceLabels } from './faces.js';
import {
  defaultModelPath,
  loadEngine,
  modelFilesLoaded,
  unloadEngine,
  type Engine,
} from './local-model-engine.js';
import { imageProperties } from './image-properties.js';
import { toTags } from './local-model-labels.js';
import type { Detection, ImageToTag, Tagger, TaggerResult } from './tagger.js';
import { LOCAL_MIN_CONFIDENCE } from './local-cut-off.js';

export interface LocalModelTaggerOptions {
  /** centernet.json on disk; default: the one inside @vladmandic/human. */
  modelPath?: string;
  /** Detections below it are not reported at all; keepTags applies the real cut-off. */
  minScore?: number;
  /** Most boxes per image before labels are merged. */
  maxDetected?: number;
}

export interface LocalModelStats {
  /** Successful model loads in this process. */
  loads: number;
  loaded: boolean;
  /** Duration of the last successful load, ms. */
  loadMs: number | undefined;
  /** Live tfjs tensors (model weights included); undefined before the first load. */
  numTensors: number | undefined;
  /** The model.json files read in this process (centernet.json, blazeface.json): nothing else. */
  modelFiles: string[];
}

/**
 * Per call, so taggers sharing the engine can still differ here. Human keeps each call's settings
 * for the next, so the call says which part runs: face-detector.ts runs faces on its own input.
 */
function objectConfig(options: LocalModelTaggerOptions): Partial<HumanModule.Config> {
  return {
    face: { enabled: false },
    object: {
      enabled: true,
      minConfidence: options.minScore ?? 0.1,
      maxDetected: options.maxDetected ?? 50,
      iouThreshold: 0.4,
    },
  };
}

async function detect(
  engine: Engine,
  image: DecodedImage,
  options: LocalModelTaggerOptions,
): Promise<Detection[]> {
  const { tf, human } = engine;
  const input = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
  try {
    // Human detects inside `new Promise(async …)`: an internal throw would surface as an
    // unhandled rejection, not here. The input is always a valid RGB tensor, so none is expected.
    const result = await human.detect(input, objectConfig(options));
    if (result.error) throw new TransientError(`The local model failed: ${result.error}`);
    const faces = await detectFaces(engine, input);
    return [...toTags(result.object), ...faceLabels(faces, result.object)];
  } finally {
    tf.dispose(input);
  }
}

// Human keeps its model in module state and tfjs has one global backend, so a process has one
// engine however many taggers exist. Every use of it (load, detect, unload) runs through one
// queue: the wasm backend is not safe to share between interleaved detections.
const runtime: {
  engine: Engine | undefined;
  loads: number;
  loadMs: number | undefined;
  queue: Promise<unknown>;
} = { engine: undefined, loads: 0, loadMs: undefined, queue: Promise.resolve() };

function serial<T>(task: () => Promise<T>): Promise<T> {
  const run = runtime.queue.then(task, task);
  runtime.queue = run.catch(() => undefined);
  return run;
}

async function ensureEngine(options: LocalModelTaggerOptions): Promise<Engine> {
  const started = performance.now();
  try {
    const modelPath = path.resolve(options.modelPath ?? defaultModelPath());
    const current = runtime.engine;
    if (current?.modelPath === modelPath) return current;
    if (current) {
      // Human holds one object model per process: another path replaces it.
      runtime.engine = undefined;
      unloadEngine(current);
    }
    runtime.engine = await loadEngine(modelPath);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TransientError(`The local recognition model could not be loaded: ${reason}`, {
      cause: error,
    });
  }
  runtime.loads += 1;
  runtime.loadMs = performance.now() - started;
  return runtime.engine;
}

export class LocalModelTagger implements Tagger {
  readonly name = 'local';
  readonly defaultMinConfidence = LOCAL_MIN_CONFIDENCE;
  readonly #options: LocalModelTaggerOptions;

  constructor(options: LocalModelTaggerOptions = {}) {
    this.#options = options;
  }

  async tag(image: ImageToTag): Promise<TaggerResult> {
    return this.tagPixels(image.pixels);
  }

  /** Tags decoded pixels alone (a tagging thread gets them that way, without the bytes). */
  async tagPixels(decoded: DecodedImage): Promise<TaggerResult> {
    const objects = await serial(async () =>
      detect(await ensureEngine(this.#options), decoded, this.#options),
    );
    return { labels: [...objects, ...imageProperties(decoded)] };
  }

  /** Loads the model now instead of on the first tag() call. */
  async load(): Promise<void> {
    await serial(() => ensureEngine(this.#options));
  }

  /** Frees the model's memory (shared by every LocalModelTagger); a later tag() loads it again. */
  async close(): Promise<void> {
    await serial(async () => {
      const current = runtime.engine;
      runtime.engine = undefined;
      if (current) unloadEngine(current);
    });
  }

  /** Process-wide: the engine is shared by every LocalModelTagger. */
  stats(): LocalModelStats {
    return {
      loads: runtime.loads,
      loaded: runtime.engine !== undefined,
      loadMs: runtime.loadMs,
      numTensors: runtime.engine?.tf.memory().numTensors,
      modelFiles: modelFilesLoaded(),
    };
  }
}

export function createLocalModelTagger(options?: LocalModelTaggerOptions): LocalModelTagger {
  return new LocalModelTagger(options);
}
