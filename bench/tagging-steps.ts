// Where the local tagger's CPU goes, step by step, on the fixture photos in one thread: objects
// (CenterNet), faces (BlazeFace, face-detector.ts) and pixel statistics (image-properties.ts). CPU
// time, not wall time: the machine is shared. The object step is called as local-model.ts calls
// it (the same Human settings); decoding is bench:tagging's `imaging`.
// Run: npx tsx bench/tagging-steps.ts [rounds, default 5] [--smoke: 1 round, writes nothing]
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { decodeForModel } from '../src/imaging/decode.js';
import { detectFaces } from '../src/tagging/face-detector.js';
import { imageProperties } from '../src/tagging/image-properties.js';
import { defaultModelPath, loadEngine, unloadEngine } from '../src/tagging/local-model-engine.js';
import { writeResults } from './support/results.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const rounds = smoke ? 1 : Number(args.find((a) => !a.startsWith('--')) ?? 5);
if (!(rounds > 0)) throw new Error('usage: bench/tagging-steps.ts [rounds] [--smoke]');

const fixtures = join(import.meta.dirname, '..', 'test', 'fixtures');
const FILES = ['astronaut.png', 'bus.jpg', 'boat.jpg', 'car.jpg', 'squirrel.webp', 'group.jpg'];
const photos = await Promise.all(
  FILES.map(async (file) => ({
    file,
    pixels: await decodeForModel(readFileSync(join(fixtures, file))),
  })),
);

const cpuMs = async (step: () => unknown): Promise<number> => {
  const before = process.cpuUsage();
  await step();
  const { user, system } = process.cpuUsage(before);
  return (user + system) / 1000;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? NaN;
const round1 = (value: number) => Math.round(value * 10) / 10;

const engine = await loadEngine(defaultModelPath());
const { tf, human } = engine;
const objectsOnly = {
  face: { enabled: false },
  object: { enabled: true, minConfidence: 0.1, maxDetected: 50, iouThreshold: 0.4 },
};
const steps = { objects: [] as number[], faces: [] as number[], properties: [] as number[] };
try {
  for (let round = 0; round <= rounds; round += 1) {
    for (const { pixels } of photos) {
      const input = tf.tensor3d(pixels.data, [pixels.height, pixels.width, 3], 'int32');
      const objects = await cpuMs(() => human.detect(input, objectsOnly));
      const faces = await cpuMs(() => detectFaces(engine, input));
      const properties = await cpuMs(() => imageProperties(pixels));
      tf.dispose(input);
      if (round === 0) continue; // warm-up: the first runs compile and allocate
      steps.objects.push(objects);
      steps.faces.push(faces);
      steps.properties.push(properties);
    }
  }
} finally {
  unloadEngine(engine);
}

const perStep = Object.fromEntries(
  Object.entries(steps).map(([name, values]) => [name, round1(median(values))]),
);
const total = Object.values(perStep).reduce((a, b) => a + b, 0);
console.log(
  `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${photos.length} photos × ${rounds} rounds, median CPU ms per image`,
);
for (const [name, ms] of Object.entries(perStep)) {
  console.log(
    `  ${name.padEnd(10)} ${String(ms).padStart(6)} ms  ${Math.round((ms / total) * 100)}%`,
  );
}
if (!smoke) {
  console.log(
    `written to ${await writeResults('taggingSteps', { rounds, files: FILES, cpuMs: perStep })}`,
  );
}
