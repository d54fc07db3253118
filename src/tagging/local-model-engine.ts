// Loading the local models: CenterNet (objects) and BlazeFace (faces, where they are, nothing
// about whose) from @vladmandic/human on the tfjs wasm backend, read from node_modules only
// (models, weights and .wasm binary); nothing here may reach the network (there is none where this
// runs, and an upload must never wait on one). Also undoes what emscripten's glue does to the
// process on load. Imports nothing of pixtag's.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as tfjs from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type * as HumanModule from '@vladmandic/human';

const require = createRequire(import.meta.url);

/** The folder of an installed package (its `exports` map hides package.json from resolve). */
function packageRoot(name: string): string {
  let dir = path.dirname(require.resolve(name));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    const read = () => JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
    if (existsSync(manifest) && read().name === name) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`The folder of the package ${name} was not found.`);
    dir = parent;
  }
}

function localFile(url: URL): URL {
  if (url.protocol !== 'file:') {
    throw new Error(`Refusing to fetch ${url.href}: the local model only reads local files.`);
  }
  return url;
}

/** model.json and its weight shards, read from disk; any other URL is refused. */
export async function readModelArtifacts(
  tf: typeof tfjs,
  modelUrl: string,
): Promise<tfjs.io.ModelArtifacts> {
  const url = localFile(new URL(modelUrl));
  const json = JSON.parse(await readFile(url, 'utf8')) as tfjs.io.ModelJSON;
  return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const shards = await Promise.all(
      manifest.flatMap((group) => group.paths.map((p) => readFile(localFile(new URL(p, url))))),
    );
    const all = Buffer.concat(shards);
    return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
  });
}

// Artifacts already read by loadEngine, handed over instead of being read a second time.
const prepared = new Map<string, tfjs.io.ModelArtifacts>();

// Every model.json the load router served in this process: the evidence that Human loaded nothing
// but the models named here (no face description, age, gender, emotion or mesh model).
const served = new Set<string>();

/** The file names of the model.json files loaded in this process, sorted. */
export const modelFilesLoaded = (): string[] =>
  [...served].map((url) => path.basename(new URL(url).pathname)).sort();

// Human's own loader calls the global fetch, which cannot read file:// URLs in Node and would go
// to the network for anything else. A tfjs load router for file:// URLs takes precedence, so the
// fetch is never made.
function installFileLoader(tf: typeof tfjs): void {
  const probe = 'file:///pixtag-probe/model.json';
  if (tf.io.getLoadHandlers(probe).length > 0) return; // already installed in this tfjs
  const router = (url: string | string[]): tfjs.io.IOHandler | null =>
    typeof url === 'string' && url.startsWith('file://')
      ? {
          load: async () => {
            served.add(url);
            return prepared.get(url) ?? readModelArtifacts(tf, url);
          },
        }
      : null;
  // tfjs types a router as always answering, but null is how a router declines a URL.
  tf.io.registerLoadRouter(router as Parameters<typeof tf.io.registerLoadRouter>[0]);
}

// BlazeFace alone. Every other face model is off, so Human never loads it: mesh, iris and
// attention (landmarks), description (faceres: age, gender, the identity embedding), emotion,
// antispoof, liveness; gear, ssrnet, mobilefacenet and insightface are off while unset. With the
// mesh off, Human's face result is BlazeFace's own box and score (facemesh.ts in Human's source).
function blazeFaceOnly(faceModelUrl: string): Partial<HumanModule.FaceConfig> {
  const off = { enabled: false };
  return {
    enabled: true,
    detector: {
      modelPath: faceModelUrl,
      rotation: false,
      mask: false,
      return: false,
      skipFrames: 0,
      skipTime: 0,
    },
    mesh: off,
    attention: off,
    iris: off,
    description: off,
    emotion: off,
    antispoof: off,
    liveness: off,
  };
}

function humanConfig(
  modelUrl: string,
  faceModelUrl: string,
  wasmDir: string,
): Partial<HumanModule.Config> {
  const off = { enabled: false };
  return {
    backend: 'wasm',
    wasmPath: `${wasmDir}${path.sep}`, // a plain path: emscripten reads it with fs in Node
    wasmPlatformFetch: false,
    modelBasePath: '',
    cacheModels: false,
    validateModels: false, // it reports through console.log; the contract test proves the model runs
    debug: false,
    warmup: 'none',
    // Consecutive uploads are unrelated photos: never reuse the previous frame's result.
    cacheSensitivity: 0,
    skipAllowed: false,
    filter: off,
    gesture: off,
    // On here so that load() reads BlazeFace; each detect() turns on the part it runs.
    face: blazeFaceOnly(faceModelUrl),
    body: off,
    hand: off,
    segmentation: off,
    object: {
      enabled: true,
      modelPath: modelUrl,
      skipFrames: 0,
      skipTime: 0,
    },
  };
}

interface ListenerSnapshot {
  uncaught: NodeJS.UncaughtExceptionListener[];
  rejection: NodeJS.UnhandledRejectionListener[];
}

const snapshotListeners = (): ListenerSnapshot => ({
  uncaught: process.listeners('uncaughtException'),
  rejection: process.listeners('unhandledRejection'),
});

const isEmscripten = (listener: unknown): boolean =>
  /ExitStatus|throw reason/.test(String(listener));

// Emscripten's Node glue installs listeners that rethrow every uncaught error and unhandled
// rejection, which would override whatever the application decides to do with them.
function dropEmscriptenListeners(before: ListenerSnapshot): void {
  for (const listener of process.listeners('uncaughtException')) {
    if (!before.uncaught.includes(listener) && isEmscripten(listener)) {
      process.removeListener('uncaughtException', listener);
    }
  }
  for (const listener of process.listeners('unhandledRejection')) {
    if (!before.rejection.includes(listener) && isEmscripten(listener)) {
      process.removeListener('unhandledRejection', listener);
    }
  }
}

function isLoaded(model: GraphModel | null | undefined): model is GraphModel {
  try {
    return (model?.inputs.length ?? 0) > 0;
  } catch {
    return false; // an unloaded GraphModel has no executor to ask
  }
}

/** The loaded models and the Human and tfjs that run them. */
export interface Engine {
  modelPath: string;
  human: HumanModule.Human;
  tf: typeof tfjs;
  model: GraphModel;
  faceModel: GraphModel;
}

export async function loadEngine(
  modelPath: string,
  faceModelPath = defaultFaceModelPath(),
): Promise<Engine> {
  const humanDir = packageRoot('@vladmandic/human');
  // By path: the package's `exports` map sends Node to the tfjs-node build, which is not installed.
  const { Human } = require(
    path.join(humanDir, 'dist', 'human.node-wasm.js'),
  ) as typeof HumanModule;
  const wasmDir = path.join(packageRoot('@tensorflow/tfjs-backend-wasm'), 'dist');
  const modelUrl = pathToFileURL(modelPath).href;
  const faceModelUrl = pathToFileURL(faceModelPath).href;
  const human = new Human(humanConfig(modelUrl, faceModelUrl, wasmDir));
  const tf = human.tf as typeof tfjs;
  installFileLoader(tf);
  // Human logs a failed model read and carries on; reading first turns it into an error here.
  for (const url of [modelUrl, faceModelUrl]) prepared.set(url, await readModelArtifacts(tf, url));

  const before = snapshotListeners();
  try {
    await human.load();
    const model = human.models.models['centernet'];
    const faceModel = human.models.models['blazeface'];
    if (tf.getBackend() !== 'wasm' || !isLoaded(model)) {
      throw new Error(`The model at ${modelPath} did not load on the wasm backend.`);
    }
    if (!isLoaded(faceModel)) {
      throw new Error(`The face model at ${faceModelPath} did not load on the wasm backend.`);
    }
    return { modelPath, human, tf, model, faceModel };
  } catch (error) {
    human.reset(); // so the next attempt starts from scratch
    throw error;
  } finally {
    prepared.delete(modelUrl);
    prepared.delete(faceModelUrl);
    dropEmscriptenListeners(before);
  }
}

export function unloadEngine(engine: Engine): void {
  engine.model.dispose();
  engine.faceModel.dispose();
  engine.human.models.reset();
  // Human keeps the model in module state; this makes the next load read it again. The wasm
  // runtime itself stays: its memory cannot shrink, and tfjs cannot start it a second time.
  engine.human.reset();
}

/** centernet.json inside @vladmandic/human. */
export function defaultModelPath(): string {
  return path.join(packageRoot('@vladmandic/human'), 'models', 'centernet.json');
}

/** blazeface.json inside @vladmandic/human. */
export function defaultFaceModelPath(): string {
  return path.join(packageRoot('@vladmandic/human'), 'models', 'blazeface.json');
}
