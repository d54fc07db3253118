// For bench/tagging.ts: what each feature of the local tagger costs an image in CPU, measured
// alone in this process (sharp's decode, the object model, faces, image properties, text reading), and
// how many of the legible words of the text photos the reader reads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeForModel, type DecodedImage } from '../../src/imaging/decode.js';
import { prepareUpload } from '../../src/imaging/prepare-upload.js';
import { detectFaces } from '../../src/tagging/face-detector.js';
import { imageProperties } from '../../src/tagging/image-properties.js';
import {
  defaultModelPath,
  loadEngine,
  unloadEngine,
} from '../../src/tagging/local-model-engine.js';
import { LocalModelTagger } from '../../src/tagging/local-model.js';
import { TextReader } from '../../src/tagging/text-reader.js';
import { textFound } from '../../src/tagging/text-words.js';

const fixtures = join(import.meta.dirname, '..', '..', 'test', 'fixtures');

/** The words a person reads in each text photo (test/fixtures/README.md), compared in lower case. */
export const TEXT_PHOTOS: Record<string, string> = {
  'sign.jpg': 'NOTICE DOUBLE PARKING PROHIBITED AT ALL TIMES',
  'signpost.jpg': 'Sports Centre Wivenhoe Park Conference Centre Car Parks',
  'shop-front.jpg': 'priory galleries at the ship priory galleries at the ship',
  'page.png':
    'Region-based segmentation Let us first determine markers of the coins and the background ' +
    'These markers are pixels that we can label unambiguously as either object or background ' +
    'Here the markers are found at the two extreme parts of the histogram of grey values ' +
    'markers np.zeros_like(coins)',
};

/** CPU ms of the whole process (every thread) that `task` costs, per call, over `rounds`. */
async function cpuMs(rounds: number, task: () => Promise<unknown>): Promise<number> {
  await task(); // warm: models loaded, code compiled
  const cpu = process.cpuUsage();
  for (let round = 0; round < rounds; round += 1) await task();
  const { user, system } = process.cpuUsage(cpu);
  return (user + system) / 1000 / rounds;
}

export interface FeatureCosts {
  /** CPU ms per image, each feature alone, averaged over the photos. */
  imaging: number;
  objects: number;
  faces: number;
  properties: number;
  text: number;
  /** RSS the text reader added once warm, MiB. */
  readerMiB: number;
}

/** Each feature's CPU per image on `files` (the bench's photos), one feature at a time. */
export async function featureCosts(
  files: readonly string[],
  rounds: number,
): Promise<FeatureCosts> {
  const bytes = files.map((file) => readFileSync(join(fixtures, file)));
  const pixels: DecodedImage[] = await Promise.all(bytes.map((b) => decodeForModel(b)));
  const each = async (task: (i: number) => Promise<unknown>) =>
    cpuMs(rounds, async () => {
      for (let i = 0; i < files.length; i += 1) await task(i);
    }).then((ms) => ms / files.length);

  const rssBefore = process.memoryUsage.rss();
  const reader = new TextReader({ timeoutMs: 60_000 });
  const text = await each((i) => reader.read(pixels[i]!));
  const readerMiB = (process.memoryUsage.rss() - rssBefore) / 1024 ** 2;
  await reader.close();

  const imaging = await each((i) => prepareUpload(bytes[i]!));
  const properties = await each(async (i) => imageProperties(pixels[i]!));

  // Faces alone, as local-model.ts runs them on the model's input tensor (made beforehand).
  const engine = await loadEngine(defaultModelPath());
  const inputs = pixels.map((p) => engine.tf.tensor3d(p.data, [p.height, p.width, 3], 'int32'));
  const faces = await each((i) => detectFaces(engine, inputs[i]!));
  engine.tf.dispose(inputs);
  unloadEngine(engine);

  // The whole model step (objects, faces, properties): objects are what the others leave.
  const model = new LocalModelTagger();
  const whole = await each((i) => model.tagPixels(pixels[i]!));
  await model.close();
  return { imaging, objects: whole - faces - properties, faces, properties, text, readerMiB };
}

export interface TextQuality {
  /** Per photo: words read that a person reads there, of those. */
  photos: Record<string, { read: number; legible: number; text: string }>;
  read: number;
  legible: number;
  /** CPU ms per text photo. */
  cpuMs: number;
}

/** Of the distinct words a person reads in each text photo, how many the reader reads. */
export async function textQuality(): Promise<TextQuality> {
  const reader = new TextReader({ timeoutMs: 60_000 });
  const photos: TextQuality['photos'] = {};
  let read = 0;
  let legible = 0;
  let cpu = 0;
  try {
    await reader.read(await decodeForModel(readFileSync(join(fixtures, 'bus.jpg')))); // starts it
    for (const [file, truth] of Object.entries(TEXT_PHOTOS)) {
      const pixels = await decodeForModel(readFileSync(join(fixtures, file)));
      const before = process.cpuUsage();
      const words = (await reader.read(pixels)) ?? [];
      const { user, system } = process.cpuUsage(before);
      cpu += (user + system) / 1000;
      const got = new Set(words.map((word) => word.text.toLowerCase()));
      const wanted = [...new Set(truth.toLowerCase().split(/\s+/))];
      const hits = wanted.filter((word) => got.has(word)).length;
      photos[file] = {
        read: hits,
        legible: wanted.length,
        text: textFound(words)?.text ?? '',
      };
      read += hits;
      legible += wanted.length;
    }
  } finally {
    await reader.close();
  }
  return { photos, read, legible, cpuMs: cpu / Object.keys(TEXT_PHOTOS).length };
}
