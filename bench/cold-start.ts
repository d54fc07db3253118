// Cold start of the Lambda bundle, side by side with a bare Node start, in one run: each sample is
// a fresh `node` process. Prints a table and the bundle's size.
//   api:      load dist/lambda/index.mjs and answer one API Gateway `GET /health` event
//   onUpload: load it and handle one S3 event for an object that is not an image key
//             (config, adapters and the handler path, no network), and report whether the local
//             model or the Clarifai client were loaded by it
// Run: npm run bench:cold-start [samples]
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeResults } from './support/results.js';
import { awsShapedEnv, healthEvent, skippedUploadEvent } from '../scripts/lambda-fixtures.mjs';

const samples = Number(process.argv[2] ?? 15);
const bundle = resolve('dist/lambda/index.mjs');
const url = pathToFileURL(bundle).href;

const env = { PATH: process.env.PATH ?? '', ...awsShapedEnv };
const health = JSON.stringify(healthEvent);
const skipped = JSON.stringify(skippedUploadEvent);
const context = '{ getRemainingTimeInMillis: () => 1000, awsRequestId: "bench" }';

const scripts = {
  'node -e 0': '0',
  'api: GET /health': `const m = await import(${JSON.stringify(url)}); const r = await m.api(${health}, ${context}); if (r.statusCode !== 200) throw new Error(JSON.stringify(r));`,
  'onUpload: one event': `const m = await import(${JSON.stringify(url)}); await m.onUpload(${skipped});`,
};

function timeOnce(script: string): number {
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const times: Record<string, number[]> = Object.fromEntries(
  Object.keys(scripts).map((k) => [k, []]),
);
timeOnce(scripts['api: GET /health']); // warm the file cache once
for (let i = 0; i < samples; i += 1) {
  // Interleaved, so machine noise hits every row alike.
  for (const [name, script] of Object.entries(scripts)) times[name]!.push(timeOnce(script));
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const bare = median(times['node -e 0']!);
const rows = Object.fromEntries(
  Object.entries(times).map(([name, values]) => [
    name,
    {
      'median ms': Math.round(median(values)),
      'min ms': Math.round(Math.min(...values)),
      'vs node -e 0': `${(median(values) / bare).toFixed(2)}×`,
    },
  ]),
);
console.log(`cold start, ${samples} samples each, Node ${process.version}`);
console.table(rows);

// What each cold path loads: module files recorded by a loader hook (in separate runs, so the
// hook's own cost stays out of the timings above).
const hook = `data:text/javascript,${encodeURIComponent(
  "export async function load(url, context, next) { if (url.startsWith('file:')) process.stderr.write('LOADED ' + url + '\\n'); return next(url, context); }",
)}`;
function loadedBy(script: string): string[] {
  const register = `import { register } from 'node:module'; register(${JSON.stringify(hook)});`;
  const result = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `${register} ${script}`],
    { env, encoding: 'utf8' },
  );
  return [...result.stderr.matchAll(/^LOADED (.*)$/gm)].map((m) =>
    m[1]!.replace(/^.*\/dist\/lambda\//, ''),
  );
}
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const dir = join(bundle, '..');
const sizeOf = (files: string[]) => files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
for (const name of ['api: GET /health', 'onUpload: one event']) {
  const files = loadedBy(scripts[name as keyof typeof scripts]);
  const named = files.filter((f) => !/chunk-/.test(f)).join(', ');
  console.log(`${name} loads ${files.length} files, ${kib(sizeOf(files))}: ${named}`);
}
const chunks = readdirSync(join(dir, 'chunks')).filter((f) => f.endsWith('.mjs'));
const chunkBytes = sizeOf(chunks.map((c) => `chunks/${c}`));
console.log(
  `bundle: index.mjs ${kib(statSync(bundle).size)}; ${chunks.length} lazy chunks ${kib(chunkBytes)}`,
);
const file = await writeResults('coldStart', {
  samples,
  starts: rows,
  bundle: { indexBytes: statSync(bundle).size, lazyChunks: chunks.length, chunkBytes },
});
console.log(`written to ${file} under "coldStart"`);
