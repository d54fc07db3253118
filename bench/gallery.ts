// The web gallery as a person meets it, in Debian's chromium against pixtag started like
// `npm start` (test/browser/support.ts): the bytes of the first load (every response for GET /
// and its assets, headers included), of a reload (revalidation), and the time from choosing a
// photo in the file picker to its tags showing on the page, per photo. The first upload of a run
// also loads the model; the photos then alternate, one at a time. Run: npm run bench:gallery [rounds]
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Response } from 'playwright-core';
import { launchChromium, startGalleryServer } from '../test/browser/support.js';

const rounds = Number(process.argv[2] ?? 5);
const root = join(import.meta.dirname, '..');
const photos = ['astronaut.png', 'bus.jpg'];

async function loadBytes(page: Page, load: () => Promise<unknown>) {
  const sizes: Array<Promise<{ path: string; status: number; bytes: number }>> = [];
  const onResponse = (response: Response) =>
    sizes.push(
      response
        .request()
        .sizes()
        .then((s) => ({
          path: new URL(response.url()).pathname,
          status: response.status(),
          bytes: s.responseBodySize + s.responseHeadersSize,
        })),
    );
  page.on('response', onResponse);
  await load();
  page.off('response', onResponse);
  return Promise.all(sizes);
}

const browser = await launchChromium();
const server = await startGalleryServer();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const first = await loadBytes(page, () =>
    page.goto(`${server.url}/`, { waitUntil: 'networkidle' }),
  );
  const again = await loadBytes(page, () => page.reload({ waitUntil: 'networkidle' }));
  const total = (list: typeof first) => list.reduce((sum, r) => sum + r.bytes, 0);
  const gzipped = ['index.html', 'app.js', 'styles.css']
    .map((file) => gzipSync(readFileSync(join(root, 'dist', 'web', file))).length)
    .reduce((a, b) => a + b, 0);
  console.log(
    `first load: ${first.length} responses, ${total(first)} bytes (${first.map((r) => `${r.path} ${r.status} ${r.bytes}`).join(', ')})`,
  );
  console.log(
    `reload:     ${again.length} responses, ${total(again)} bytes (${again.map((r) => `${r.path} ${r.status}`).join(', ')})`,
  );
  console.log(`bodies gzipped (if a proxy compressed them): ${gzipped} bytes`);

  await page.getByLabel('Username').fill('bench');
  await page.getByLabel('Password').fill('bench password');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  const uploads = page.getByRole('list', { name: 'Uploads' });

  const times: Record<string, number[]> = Object.fromEntries(photos.map((p) => [p, []]));
  for (let round = 0; round < rounds; round++) {
    for (const photo of round % 2 === 0 ? photos : [...photos].reverse()) {
      const before = await uploads.getByRole('listitem').count();
      const chosenAt = performance.now();
      await page.getByLabel('Choose images').setInputFiles(join(root, 'test', 'fixtures', photo));
      await uploads.getByRole('listitem').nth(before).waitFor();
      // The newest upload comes first; data-state is what its text says (tags, or why it failed).
      await page
        .locator('#upload-list li:first-child:is([data-state="tagged"], [data-state="failed"])')
        .waitFor({ timeout: 60_000 });
      times[photo]!.push(performance.now() - chosenAt);
    }
  }
  // The server's own part: POST /images (createdAt) to tagged (taggedAt); the rest is the browser's
  // upload and the page's polling back-off.
  const listed = await page.evaluate<
    Array<{ filename: string; createdAt: string; taggedAt?: string }>
  >(`fetch('images?limit=100', {
    headers: { Authorization: 'Bearer ' + sessionStorage.getItem('pixtag.token') },
  }).then((response) => response.json()).then((page) => page.items)`);
  const serverTimes = (photo: string) =>
    listed
      .filter((image) => image.filename === photo && image.taggedAt)
      .reverse()
      .map((image) => Date.parse(image.taggedAt!) - Date.parse(image.createdAt));
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  for (const photo of photos) {
    const [firstRun, ...warm] = times[photo]!;
    console.log(
      `${photo.padEnd(14)} chosen → tags shown: first ${firstRun!.toFixed(0)} ms, warm median ${warm.length ? median(warm).toFixed(0) : '-'} ms (${times[photo]!.map((t) => t.toFixed(0)).join(', ')}); on the server, created → tagged: ${serverTimes(photo).join(', ')} ms`,
    );
  }
} finally {
  await browser.close();
  await server.stop();
}
