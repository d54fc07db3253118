// The memory budget of issue 14, on the server as `npm start` runs it (dist/server.js, TAGGER=local
// with everything on: 2 model threads, faces, image properties and, unless --ocr=off, the text
// reader): N uploads over HTTP, 3 in flight, every test fixture in turn (text photos, a group and
// a night scene among them). After each image is tagged, the server's RSS is read from /proc.
// Prints RSS at the end, the mean of the last 100 images' RSS against the first 100's, images/s,
// the server's CPU per image and the median time from PUT to tagged.
// Run: npm run bench:tagging-soak [-- images, default 500] [--ocr=off] [--smoke: 10, writes nothing]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sniffImageType } from '../src/imaging/sniff-image-type.js';
import { cpuSeconds, freePort, memoryOf, startPixtag } from './support/processes.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const ocr = !args.includes('--ocr=off');
const count = smoke ? 10 : Number(args.find((a) => !a.startsWith('--')) ?? 500);
if (!(count > 0)) throw new Error('usage: bench/tagging-soak.ts [images] [--ocr=off] [--smoke]');

const fixtures = join(import.meta.dirname, '..', 'test', 'fixtures');
const photos = readdirSync(fixtures)
  .filter((f) => /\.(jpe?g|png|webp)$/.test(f))
  .map((file) => {
    const bytes = readFileSync(join(fixtures, file));
    return { bytes, contentType: sniffImageType(bytes) ?? 'image/jpeg' };
  });

const port = await freePort();
const api = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'pixtag-soak-'));
const server = await startPixtag({
  port,
  dataDir,
  env: { TAG_WORKERS: '2', OCR: ocr ? 'on' : 'off' },
});

async function call<T>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  const response = await fetch(`${api}${path}`, { ...init, headers });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status}`);
  return (await response.json()) as T;
}

/** One upload, from POST /images to tagged; returns ms from the end of the PUT to tagged. */
async function uploadOne(token: string, photo: (typeof photos)[number]): Promise<number> {
  const { image, upload } = await call<{
    image: { id: string };
    upload: { url: string; headers: Record<string, string> };
  }>('/images', {
    method: 'POST',
    token,
    body: JSON.stringify({ contentType: photo.contentType, size: photo.bytes.length }),
  });
  const put = await fetch(upload.url, {
    method: 'PUT',
    headers: upload.headers,
    body: photo.bytes,
  });
  if (!put.ok) throw new Error(`PUT: ${put.status}`);
  const sent = performance.now();
  for (;;) {
    const { status } = await call<{ status: string }>(`/images/${image.id}`, { token });
    if (status === 'tagged') return performance.now() - sent;
    if (status !== 'pending') throw new Error(`image ${image.id} ended ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

try {
  const user = JSON.stringify({ username: 'soak', password: 'soak-benchmark-password' });
  await call('/signup', { method: 'POST', body: user });
  const { token } = await call<{ token: string }>('/signin', { method: 'POST', body: user });
  // Warm-up: both model threads and the reader load.
  await Promise.all(photos.slice(0, 3).map((photo) => uploadOne(token, photo)));
  const rssWarm = memoryOf(server.pid).rssMiB;

  const rss: number[] = [];
  const times: number[] = [];
  const cpuBefore = cpuSeconds(server.pid);
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < count) {
      times.push(await uploadOne(token, photos[next++ % photos.length]!));
      rss.push(memoryOf(server.pid).rssMiB);
    }
  };
  await Promise.all([lane(), lane(), lane()]);
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(server.pid) - cpuBefore;

  const window = Math.min(100, Math.floor(rss.length / 2)) || 1;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first = mean(rss.slice(0, window));
  const last = mean(rss.slice(-window));
  const sorted = [...times].sort((a, b) => a - b);
  const result = {
    images: count,
    ocr,
    fixtures: photos.length,
    imagesPerSecond: Math.round((count / seconds) * 100) / 100,
    serverCpuMsPerImage: Math.round((cpu * 1000) / count),
    // Three in flight: each waits behind up to two others, so this is not the idle latency.
    putToTaggedMedianMs: Math.round(sorted[Math.floor(sorted.length / 2)]!),
    rssMiB: {
      afterWarmUp: Math.round(rssWarm),
      [`first${window}Mean`]: Math.round(first),
      [`last${window}Mean`]: Math.round(last),
      max: Math.round(Math.max(...rss)),
      atEnd: Math.round(memoryOf(server.pid).rssMiB),
      peak: Math.round(memoryOf(server.pid).peakMiB),
    },
    growthLastVsFirst: `${(((last - first) / first) * 100).toFixed(1)}%`,
  };
  const load = loadavg().map((l) => l.toFixed(2));
  console.log(`load ${load.join(' ')}; server, TAG_WORKERS=2, OCR=${ocr ? 'on' : 'off'}:`, result);
  if (!smoke) {
    const { writeResults } = await import('./support/results.js');
    const key = ocr ? 'taggingSoak' : 'taggingSoakOcrOff';
    console.log(`written to ${await writeResults(key, result)}`);
  }
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
