// Issue 14's latency and memory budgets, on the server as `npm start` runs it (dist/server.js,
// TAGGER=local, TAG_WORKERS=2, with or without OCR): warm uploads one at a time for the time from
// the end of the PUT to `tagged`, then N uploads over HTTP, 3 in flight, every test fixture in
// turn (text photos, a group and a night scene among them), each decoded by sharp and thumbnailed
// as any upload is, after a warm-up of every fixture twice. After each image is tagged the server's RSS is read from /proc; growth is the
// mean RSS of the last 100 images against the first 100's. Used by bench/tagging.ts (everything
// on) and bench/tagging-soak.ts (either).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sniffImageType } from '../../src/imaging/sniff-image-type.js';
import { cpuSeconds, freePort, memoryOf, startPixtag } from './processes.js';

export interface SoakOptions {
  /** Uploads for the memory figures. */
  count: number;
  ocr: boolean;
  /** Warm uploads one at a time, for the PUT → tagged median. */
  sequential: number;
}

export interface SoakResult {
  images: number;
  ocr: boolean;
  fixtures: number;
  /** One upload at a time, warm: PUT done → tagged. */
  putToTaggedMs: { median: number; best: number; runs: number };
  imagesPerSecond: number;
  serverCpuMsPerImage: number;
  rssMiB: { afterWarmUp: number; firstMean: number; lastMean: number; atEnd: number; peak: number };
  /** RSS after every 50th upload, MiB: where it grows, if it does. */
  rssProfileMiB: number[];
  /** Mean RSS of the last `window` images against the first `window`'s, in %. */
  growthPercent: number;
  window: number;
}

const fixtures = join(import.meta.dirname, '..', '..', 'test', 'fixtures');

export async function serverSoak({ count, ocr, sequential }: SoakOptions): Promise<SoakResult> {
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
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  try {
    const user = JSON.stringify({ username: 'soak', password: 'soak-benchmark-password' });
    await call('/signup', { method: 'POST', body: user });
    const { token } = await call<{ token: string }>('/signin', { method: 'POST', body: user });
    // Warm-up: every fixture twice, 3 in flight, so that both model threads and the reader have
    // loaded and met the largest images (their WebAssembly heaps grow to the largest so far);
    // growth measured from there is what a long run adds.
    const warmUp = [...photos, ...photos];
    await Promise.all(
      [0, 1, 2].map(async () => {
        for (let photo = warmUp.pop(); photo; photo = warmUp.pop()) await uploadOne(token, photo);
      }),
    );
    const latencies: number[] = [];
    for (let i = 0; i < sequential; i += 1) {
      latencies.push(await uploadOne(token, photos[i % photos.length]!));
    }
    const rssWarm = memoryOf(server.pid).rssMiB;

    const rss: number[] = [];
    const cpuBefore = cpuSeconds(server.pid);
    const started = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < count) {
        await uploadOne(token, photos[next++ % photos.length]!);
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
    const sorted = [...latencies].sort((a, b) => a - b);
    const { rssMiB, peakMiB } = memoryOf(server.pid);
    return {
      images: count,
      ocr,
      fixtures: photos.length,
      putToTaggedMs: {
        median: Math.round(sorted[Math.floor(sorted.length / 2)] ?? NaN),
        best: Math.round(sorted[0] ?? NaN),
        runs: sorted.length,
      },
      imagesPerSecond: Math.round((count / seconds) * 100) / 100,
      serverCpuMsPerImage: Math.round((cpu * 1000) / count),
      rssMiB: {
        afterWarmUp: Math.round(rssWarm),
        firstMean: Math.round(first),
        lastMean: Math.round(last),
        atEnd: Math.round(rssMiB),
        peak: Math.round(peakMiB),
      },
      rssProfileMiB: rss.filter((_, i) => (i + 1) % 50 === 0).map(Math.round),
      growthPercent: Math.round(((last - first) / first) * 1000) / 10,
      window,
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
