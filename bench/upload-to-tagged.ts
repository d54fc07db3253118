// Time from the end of an upload's PUT to `tagged`, and the server's memory, against the real
// compiled server (`node dist/server.js`) on a temporary DATA_DIR. The first upload includes the
// lazy model load; the rest are warm. Prints a table; run with `npm run bench:upload`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, memoryOf, startPixtag } from './support/processes.js';
import { writeResults } from './support/results.js';

const runs = Number(process.argv[2] ?? 10);
const photo = readFileSync(join(import.meta.dirname, '..', 'test', 'fixtures', 'astronaut.png'));

const port = await freePort();
const api = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'pixtag-bench-'));
const server = await startPixtag({ port, dataDir });

try {
  const idle = memoryOf(server.pid);
  const json = { 'Content-Type': 'application/json' };
  const credentials = JSON.stringify({ username: 'bench', password: 'benchmark-password' });
  await fetch(`${api}/signup`, { method: 'POST', headers: json, body: credentials });
  const { token } = (await (
    await fetch(`${api}/signin`, { method: 'POST', headers: json, body: credentials })
  ).json()) as { token: string };
  const auth = { Authorization: `Bearer ${token}` };

  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const created = (await (
      await fetch(`${api}/images`, {
        method: 'POST',
        headers: { ...json, ...auth },
        body: JSON.stringify({ contentType: 'image/png', size: photo.length }),
      })
    ).json()) as {
      image: { id: string };
      upload: { url: string; headers: Record<string, string> };
    };
    const put = await fetch(created.upload.url, {
      method: 'PUT',
      headers: created.upload.headers,
      body: photo,
    });
    if (!put.ok) throw new Error(`PUT failed: ${put.status}`);
    const started = performance.now();
    for (;;) {
      const image = (await (
        await fetch(`${api}/images/${created.image.id}`, { headers: auth })
      ).json()) as { status: string };
      if (image.status !== 'pending') {
        if (image.status !== 'tagged') throw new Error(`image ended ${image.status}`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    times.push(performance.now() - started);
  }
  const loaded = memoryOf(server.pid);
  const warm = times.slice(1).sort((a, b) => a - b);
  const median = warm[Math.floor(warm.length / 2)] ?? Number.NaN;
  const table = {
    'first upload → tagged (model load included), ms': Math.round(times[0]!),
    [`warm upload → tagged, median of ${warm.length}, ms`]: Math.round(median),
    'warm upload → tagged, best, ms': Math.round(warm[0] ?? Number.NaN),
    'server RSS before any upload, MiB': Math.round(idle.rssMiB),
    'server RSS with the model loaded, MiB': Math.round(loaded.rssMiB),
    'server peak RSS, MiB': Math.round(loaded.peakMiB),
  };
  console.table(table);
  const file = await writeResults('uploadToTagged', { runs, figures: table });
  console.log(`written to ${file} under "uploadToTagged"`);
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
