// Many images through the local model pool, for the memory it ends with: the five bench photos in
// turn, decoded once beforehand (so no sharp), 3 in flight on a pool of 2 threads. Prints
// images/s, CPU ms per image (worker threads included) and RSS after warm-up and at the end.
// Run: npx tsx bench/tagging-soak.ts [images, default 500] [--smoke: 10 images, writes nothing]
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { decodeForModel } from '../src/imaging/decode.js';
import { sniffImageType } from '../src/imaging/sniff-image-type.js';
import { LocalModelPool } from '../src/tagging/local-model-pool.js';
import type { ImageToTag } from '../src/tagging/tagger.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const count = smoke ? 10 : Number(args.find((a) => !a.startsWith('--')) ?? 500);
if (!(count > 0)) throw new Error('usage: bench/tagging-soak.ts [images] [--smoke]');

const fixtures = join(import.meta.dirname, '..', 'test', 'fixtures');
const FILES = ['astronaut.png', 'bus.jpg', 'boat.jpg', 'car.jpg', 'squirrel.webp'];
const images: ImageToTag[] = await Promise.all(
  FILES.map(async (file) => {
    const bytes = readFileSync(join(fixtures, file));
    const contentType = sniffImageType(bytes) ?? 'image/jpeg';
    return { bytes, contentType, pixels: await decodeForModel(bytes) };
  }),
);
const rssMiB = () => Math.round(process.memoryUsage.rss() / 2 ** 20);

const pool = new LocalModelPool({ size: 2 });
try {
  await Promise.all(images.slice(0, 2).map((image) => pool.tag(image))); // both threads load
  const rssWarm = rssMiB();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < count) await pool.tag(images[next++ % images.length]!);
  };
  await Promise.all([lane(), lane(), lane()]);
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  const result = {
    images: count,
    imagesPerSecond: Math.round((count / seconds) * 100) / 100,
    cpuMsPerImage: Math.round((user + system) / 1000 / count),
    rssMiB: { afterWarmUp: rssWarm, atEnd: rssMiB() },
  };
  const load = loadavg().map((l) => l.toFixed(2));
  console.log(`load ${load.join(' ')}; pool of 2:`, result);
  if (!smoke) {
    // Loaded only now: prettier, which it formats with, would add its own memory to the RSS read.
    const { writeResults } = await import('./support/results.js');
    console.log(`written to ${await writeResults('taggingSoak', result)}`);
  }
} finally {
  await pool.close();
}
