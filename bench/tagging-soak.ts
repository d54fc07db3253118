// The server's memory over many uploads (bench/support/server-soak.ts), with text reading on or
// off; bench:tagging runs the same with everything on, as part of its budgets.
// Run: npm run bench:tagging-soak [-- images, default 500] [--ocr=off] [--smoke: 10, writes nothing]
import { loadavg } from 'node:os';
import { serverSoak } from './support/server-soak.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const ocr = !args.includes('--ocr=off');
const count = smoke ? 10 : Number(args.find((a) => !a.startsWith('--')) ?? 500);
if (!(count > 0)) throw new Error('usage: bench/tagging-soak.ts [images] [--ocr=off] [--smoke]');

const result = await serverSoak({ count, ocr, sequential: smoke ? 2 : 20 });
const load = loadavg().map((l) => l.toFixed(2));
console.log(`load ${load.join(' ')}; server, TAG_WORKERS=2, OCR=${ocr ? 'on' : 'off'}:`, result);
if (!smoke) {
  const { writeResults } = await import('./support/results.js');
  const key = ocr ? 'taggingSoak' : 'taggingSoakOcrOff';
  console.log(`written to ${await writeResults(key, result)}`);
}
