// Tagging throughput: the fixture photos through processUpload with the local model, run by the
// local job worker, on the real adapters (SQLite catalog and job queue, local blob store) in a
// temporary DATA_DIR. One tagging thread (TAG_WORKERS=1) against the pool (TAG_WORKERS=N, one job
// per thread), with text reading (OCR=on, the default) and without (OCR=off), alternately in the
// same run, so all see the same noisy machine. Reports images/s, p50/p90 of processUpload, process
// CPU per image, the RSS each model thread and the text reader add, each feature's share of an
// image's CPU (sharp's one decode, the object model, image properties, text reading), and how many
// of the legible words of the text photos are read. Then issue 14's budgets on the compiled server
// with everything on (bench/support/server-soak.ts): warm upload → tagged, and RSS after 500 uploads
// and its growth.
// Run: npm run bench:tagging [images per batch, default 30] [--pool N (default: cores)]
//   --soak N  uploads for the memory budget (default 500)
//   --smoke   2 images a batch, one round, 10 uploads, writes nothing (for CI)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buildAdapters, processingContext, type Adapters } from '../src/adapters.js';
import { loadConfig } from '../src/config.js';
import { newImageId } from '../src/images/image-id.js';
import { processUpload } from '../src/images/process-upload.js';
import { startWorker, type Worker } from '../src/jobs/worker.js';
import { createLogger } from '../src/logger.js';
import { objectKey } from '../src/domain/object-keys.js';
import { prepareUpload } from '../src/imaging/prepare-upload.js';
import { LocalModelPool } from '../src/tagging/local-model-pool.js';
import { TextReadingTagger } from '../src/tagging/text-reading-tagger.js';
import { writeResults } from './support/results.js';
import { serverSoak } from './support/server-soak.js';
import { featureCosts, textQuality } from './support/tagging-features.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const poolAt = args.indexOf('--pool');
const poolSize = poolAt >= 0 ? Number(args[poolAt + 1]) : availableParallelism();
const soakAt = args.indexOf('--soak');
const soakCount = smoke ? 10 : soakAt >= 0 ? Number(args[soakAt + 1]) : 500;
const positional = args.filter(
  (arg, i) => !arg.startsWith('--') && i !== poolAt + 1 && i !== soakAt + 1,
);
const perBatch = Number(positional[0] ?? (smoke ? 2 : 30));
const rounds = smoke ? 1 : 2;
if (!(perBatch > 0) || !Number.isInteger(poolSize) || poolSize < 1 || !(soakCount > 0)) {
  throw new Error('usage: bench/tagging.ts [images per batch] [--pool N] [--soak N] [--smoke]');
}
const fixtures = join(import.meta.dirname, '..', 'test', 'fixtures');
// Each photo with a label the model must keep for it: a fast run that tags wrongly is no result.
// One in six holds text (the sign), which must get the tag text when text is read.
const PHOTOS: { file: string; type: string; expect?: string; withText?: boolean }[] = [
  { file: 'astronaut.png', type: 'image/png', expect: 'person' },
  { file: 'bus.jpg', type: 'image/jpeg', expect: 'bus' },
  { file: 'boat.jpg', type: 'image/jpeg' },
  { file: 'car.jpg', type: 'image/jpeg' },
  { file: 'squirrel.webp', type: 'image/webp' },
  { file: 'sign.jpg', type: 'image/jpeg', expect: 'person', withText: true },
];
const photos = PHOTOS.map((photo) => ({
  ...photo,
  bytes: readFileSync(join(fixtures, photo.file)),
}));
const OWNER = '0190a000-0000-7000-8000-000000000001';

interface Subject {
  name: string;
  threads: number;
  ocr: boolean;
  dataDir: string;
  adapters: Adapters;
  worker: Worker;
  /** processUpload durations of the measured batches, ms. */
  latencies: number[];
  imagesPerSecond: number[];
  cpuMsPerImage: number[];
  /** CPU seconds per wall second: how many cores the process got. */
  coresUsed: number[];
  recording: boolean;
}

async function openSubject(name: string, threads: number, ocr: boolean): Promise<Subject> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pixtag-bench-tagging-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://pixtag.bench',
    LOG_LEVEL: 'silent',
    TAG_WORKERS: String(threads),
    OCR: ocr ? 'on' : 'off',
  });
  const log = createLogger('silent');
  const adapters = await buildAdapters(config);
  const queue = adapters.localQueue!;
  const processing = processingContext(config, adapters, log);
  const subject: Subject = {
    name,
    threads,
    ocr,
    dataDir,
    adapters,
    worker: undefined as unknown as Worker, // set just below, once the closure exists
    latencies: [],
    imagesPerSecond: [],
    cpuMsPerImage: [],
    coresUsed: [],
    recording: false,
  };
  // The same wiring as local-runtime.ts, with processUpload timed.
  subject.worker = startWorker({
    queue: queue.jobs,
    log,
    concurrency: config.tagWorkers,
    process: async (key, options) => {
      const started = performance.now();
      const outcome = await processUpload(processing, key, options);
      if (subject.recording) subject.latencies.push(performance.now() - started);
      return outcome;
    },
  });
  queue.attachWorker(subject.worker);
  return subject;
}

/** Stores `count` uploads (untimed), then queues them all and times until every one is tagged. */
async function batch(subject: Subject, count: number, record: boolean): Promise<void> {
  const { catalog, localFiles, processing } = subject.adapters;
  const keys: { id: string; key: string; expect: string[] }[] = [];
  for (let i = 0; i < count; i += 1) {
    const photo = photos[i % photos.length]!;
    const id = newImageId();
    const key = objectKey(OWNER, id);
    await catalog.insert({
      id,
      ownerId: OWNER,
      filename: photo.file,
      contentType: photo.type,
      size: photo.bytes.length,
      status: 'pending',
      tags: [],
      createdAt: new Date().toISOString(),
    });
    await localFiles!.write(key, Readable.from([photo.bytes]), photo.bytes.length);
    const expect = [photo.expect, subject.ocr && photo.withText ? 'text' : undefined];
    keys.push({ id, key, expect: expect.filter((name) => name !== undefined) });
  }
  subject.recording = record;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const { key } of keys) await processing.enqueue(key);
  await subject.worker.idle();
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  subject.recording = false;
  for (const { id, expect } of keys) {
    const image = await catalog.get(OWNER, id);
    const names = image?.tags.map((tag) => tag.name) ?? [];
    const wrongText = !subject.ocr && names.includes('text');
    if (image?.status !== 'tagged' || !expect.every((name) => names.includes(name)) || wrongText) {
      throw new Error(`${subject.name}: image ${id} ended ${image?.status} [${names.join(',')}]`);
    }
  }
  if (record) {
    subject.imagesPerSecond.push(count / seconds);
    subject.cpuMsPerImage.push((user + system) / 1000 / count);
    subject.coresUsed.push((user + system) / 1e6 / seconds);
  }
}

const threadsOf = async (subject: Subject) => {
  const outer = await subject.adapters.tagger();
  const tagger = outer instanceof TextReadingTagger ? outer.tagger : outer;
  if (!(tagger instanceof LocalModelPool)) throw new Error('expected the local model pool');
  return tagger.stats().threads;
};
const rssMiB = () => process.memoryUsage.rss() / 1024 ** 2;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const round1 = (value: number) => Math.round(value * 10) / 10;

/** CPU ms per photo of one sharp step alone (sharp works on its own threads: CPU, not wall time). */
async function sharpCpuMs(step: (bytes: Buffer) => Promise<unknown>): Promise<number> {
  const rounds = 3;
  const cpu = process.cpuUsage();
  for (let r = 0; r < rounds; r += 1) for (const photo of photos) await step(photo.bytes);
  const { user, system } = process.cpuUsage(cpu);
  return (user + system) / 1000 / (rounds * photos.length);
}

const subjects: Subject[] = [];
try {
  const single = await openSubject('1 thread', 1, true);
  const pool = await openSubject(`pool of ${poolSize}`, poolSize, true);
  const poolOff = await openSubject(`pool of ${poolSize}, OCR=off`, poolSize, false);
  subjects.push(single, pool, poolOff);
  const load = loadavg().map((l) => l.toFixed(2));
  console.log(`${cpus().length} cores (${cpus()[0]?.model}), load ${load.join(' ')}: shared`);
  console.log(
    `${photos.length} fixture photos (one with text), ${perBatch} images a batch, ${rounds} ` +
      `rounds of: ${subjects.map((s) => s.name).join('; ')}`,
  );

  // Warm-up: threads start and load their models; RSS is read as each one comes in.
  await sharpCpuMs(prepareUpload);
  const rssBefore = rssMiB();
  await batch(poolOff, 1, false);
  const rssOne = rssMiB();
  await batch(poolOff, Math.max(photos.length, 2 * poolSize), false);
  const rssPool = rssMiB();
  await batch(single, photos.length, false);
  await batch(pool, Math.max(photos.length, 2 * poolSize), false);
  for (const subject of [pool, poolOff]) {
    if ((await threadsOf(subject)) !== poolSize)
      throw new Error('a pool did not start every thread');
  }
  // poolOff's first batch (one image) started one thread, the second the rest.
  const firstThreadMiB = rssOne - rssBefore;
  const perThreadMiB = (rssPool - rssOne) / Math.max(1, poolSize - 1);

  for (let round = 1; round <= rounds; round += 1) {
    for (const subject of subjects) {
      await batch(subject, perBatch, true);
      console.log(
        `  ${subject.name} #${round}: ${round1(subject.imagesPerSecond.at(-1)!)} images/s`,
      );
    }
  }

  const rows = Object.fromEntries(
    subjects.map((s) => [
      s.name,
      {
        'images/s': round1(mean(s.imagesPerSecond)),
        'per batch': s.imagesPerSecond.map(round1).join(' / '),
        'p50 ms': Math.round(percentile(s.latencies, 50)),
        'p90 ms': Math.round(percentile(s.latencies, 90)),
        'CPU ms/image': Math.round(mean(s.cpuMsPerImage)),
        'cores used': round1(mean(s.coresUsed)),
      },
    ]),
  );
  console.table(rows);
  const singleRate = mean(single.imagesPerSecond);
  const poolRate = mean(pool.imagesPerSecond);
  const poolOffRate = mean(poolOff.imagesPerSecond);
  const ratio = poolRate / singleRate;
  // With no one else on the machine, each core could give 1000 / (CPU ms per image) images/s.
  const capacity = (cpus().length * 1000) / mean(pool.cpuMsPerImage);
  console.log(`pool / 1 thread: ${ratio.toFixed(2)}×`);

  // Each feature alone, in CPU time, which the other tenants of a shared machine do not inflate as
  // they do wall time. After the runs: the in-process model would otherwise count in their RSS.
  const features = await featureCosts(
    photos.map((photo) => photo.file),
    smoke ? 1 : 3,
  );
  const withOcr =
    features.imaging + features.objects + features.faces + features.properties + features.text;
  const share = (ms: number) => `${round1(ms)} ms ${Math.round((100 * ms) / withOcr)}%`;
  console.log(
    `per image, each feature alone (CPU, sum ${Math.round(withOcr)} ms): ` +
      `decoding, thumbnail and the model's pixels (sharp) ${share(features.imaging)}, ` +
      `objects ${share(features.objects)}, faces ${share(features.faces)}, ` +
      `image properties ${share(features.properties)}, ` +
      `text ${share(features.text)}; OCR=off gives back the last`,
  );
  const quality = await textQuality();
  console.log(
    `text photos: ${quality.read} of ${quality.legible} legible words read ` +
      `(${Math.round((100 * quality.read) / quality.legible)}%), ${Math.round(quality.cpuMs)} CPU ms each; ` +
      Object.entries(quality.photos)
        .map(([file, p]) => `${file} ${p.read}/${p.legible}`)
        .join(', '),
  );
  console.log(
    `RSS: ${Math.round(firstThreadMiB)} MiB for the first model thread, ` +
      `${Math.round(perThreadMiB)} MiB per further one, ${Math.round(features.readerMiB)} MiB ` +
      `for the text reader (this process holds three setups at once: the server's own RSS is below)`,
  );
  console.log(
    `pool, OCR on: ${round1(poolRate)} images/s (goal ≥ 4: ${poolRate >= 4 ? 'met' : 'MISSED'}); ` +
      `OCR=off: ${round1(poolOffRate)} images/s; CPU per image says ${round1(capacity)} ` +
      `images/s with OCR on ${cpus().length} idle cores`,
  );

  // The budgets on the server itself, after the in-process setups have stopped competing.
  for (const subject of subjects.splice(0)) await closeSubject(subject);
  const soak = await serverSoak({ count: soakCount, ocr: true, sequential: smoke ? 2 : 20 });
  const budgets = {
    'images/s, pool of 2 (≥ 4)': [round1(poolRate), poolRate >= 4],
    [`upload → tagged, warm median of ${soak.putToTaggedMs.runs}, ms (≤ 600)`]: [
      soak.putToTaggedMs.median,
      soak.putToTaggedMs.median <= 600,
    ],
    [`server RSS after ${soak.images} uploads, MiB (≤ 600)`]: [
      soak.rssMiB.atEnd,
      soak.rssMiB.atEnd <= 600,
    ],
    [`RSS, last ${soak.window} uploads vs first ${soak.window}, % (≤ +10)`]: [
      soak.growthPercent,
      soak.growthPercent <= 10,
    ],
  } as const;
  console.log(`budgets, everything on (server: ${soak.imagesPerSecond} images/s, 3 in flight):`);
  console.table(
    Object.fromEntries(
      Object.entries(budgets).map(([name, [value, met]]) => [
        name,
        { measured: value, met: met ? 'yes' : 'MISSED' },
      ]),
    ),
  );

  if (!smoke) {
    const file = await writeResults('tagging', {
      load: load.join(' '),
      settings: { imagesPerBatch: perBatch, rounds, poolSize, photos: photos.length },
      runs: rows,
      poolVsSingle: round1(ratio * 100) / 100,
      rssMiB: {
        firstThread: Math.round(firstThreadMiB),
        perPoolThread: Math.round(perThreadMiB),
        textReader: Math.round(features.readerMiB),
      },
      perImageCpuMs: {
        imaging: round1(features.imaging),
        objects: round1(features.objects),
        faces: round1(features.faces),
        properties: round1(features.properties),
        text: round1(features.text),
      },
      text: { read: quality.read, legible: quality.legible, photos: quality.photos },
      idleMachineImagesPerSecond: round1(capacity),
      soak,
      budgetsMet: Object.values(budgets).every(([, met]) => met),
    });
    console.log(`written to ${file} under "tagging"`);
  }
} finally {
  for (const subject of subjects) await closeSubject(subject);
}

async function closeSubject(subject: Subject): Promise<void> {
  await subject.worker.stop();
  await subject.adapters.close();
  rmSync(subject.dataDir, { recursive: true, force: true });
}
