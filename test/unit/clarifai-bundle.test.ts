// The Clarifai client must work inside an ESM bundle with no node_modules next to it (Lambda): the
// bundle is built here with esbuild and scripts/clarifai-bundle.mjs, copied nowhere near the repo,
// and run in a child node against the gRPC fake.
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, type BuildOptions } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { clarifaiEsbuildOptions } from '../../scripts/clarifai-bundle.mjs';
import { startClarifaiFake, type ClarifaiFake } from '../support/clarifai-fake.js';

const run = promisify(execFile);
const PAT = 'pat-for-the-bundle-test';
const adapter = fileURLToPath(new URL('../../src/tagging/clarifai.ts', import.meta.url));

// Tags the image in argv[2] and prints the tags and how long loading the client took.
const ENTRY = `
import { readFile } from 'node:fs/promises';
import { createClarifaiTagger } from ${JSON.stringify(adapter)};

const started = performance.now();
const tagger = await createClarifaiTagger({ pat: process.env.PAT, endpoint: process.env.ENDPOINT });
const loadMs = performance.now() - started;
// Clarifai sends the bytes only: no pixels are decoded (sharp is not in this bundle).
const pixels = { data: Buffer.alloc(3), width: 1, height: 1 };
const bytes = await readFile(process.argv[2]);
const { labels: tags } = await tagger.tag({ bytes, contentType: 'image/png', pixels });
await tagger.close();
process.stdout.write(JSON.stringify({ loadMs, tags }));
`;

// As scripts/build-lambda.mjs: CommonJS dependencies call require(), which ESM output lacks.
const REQUIRE_BANNER =
  "import { createRequire as __pixtagRequire } from 'node:module'; const require = __pixtagRequire(import.meta.url);";

describe('the Clarifai client in an esbuild bundle', () => {
  let fake: ClarifaiFake;
  let work: string;

  beforeAll(async () => {
    fake = await startClarifaiFake({ pat: PAT });
    work = await mkdtemp(path.join(tmpdir(), 'pixtag-clarifai-bundle-'));
    await writeFile(path.join(work, 'entry.mjs'), ENTRY);
    await copyFile(
      new URL('../fixtures/astronaut.png', import.meta.url),
      path.join(work, 'astronaut.png'),
    );
  });

  afterAll(async () => {
    await fake?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** Bundles entry.mjs into work/<name>/ (only node built-ins stay external) and runs it there. */
  async function bundleAndRun(name: string, extra: Partial<BuildOptions>) {
    const outdir = path.join(work, name);
    const result = await build({
      entryPoints: [path.join(work, 'entry.mjs')],
      outdir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      outExtension: { '.js': '.mjs' },
      banner: { js: REQUIRE_BANNER },
      metafile: true,
      logLevel: 'silent',
      ...extra,
    });
    const child = run(process.execPath, [path.join(outdir, 'entry.mjs'), '../astronaut.png'], {
      cwd: outdir,
      // No NODE_PATH or NODE_OPTIONS from this process: the bundle must stand alone.
      env: { PATH: process.env.PATH, PAT, ENDPOINT: fake.address },
      timeout: 15_000,
    });
    const output = await child.then(
      ({ stdout }) => ({ ok: true as const, stdout }),
      (error: { stderr?: string }) => ({ ok: false as const, stderr: error.stderr ?? '' }),
    );
    return { output, outdir, outputs: result.metafile?.outputs ?? {} };
  }

  it('when bundled with clarifaiEsbuildOptions, then the bundle alone tags an image over gRPC', async () => {
    const { output, outdir, outputs } = await bundleAndRun('with-descriptor', {
      ...clarifaiEsbuildOptions(),
    });

    expect(output).toMatchObject({ ok: true });
    const { tags } = JSON.parse(output.ok ? output.stdout : '{}') as { tags: { name: string }[] };
    expect(tags.map((t) => t.name)).toContain('person');
    expect(fake.requests.at(-1)?.authorization).toBe(`Key ${PAT}`);
    // Nothing but the bundle's own code sits next to it: no proto files, no node_modules.
    expect((await readdir(outdir)).every((f) => f.endsWith('.mjs'))).toBe(true);
    expect(Object.keys(outputs).length).toBeGreaterThan(1); // the client is in a lazy chunk
  });

  it('when bundled without it, then loading the client fails (the package reads ../proto from disk)', async () => {
    const { output } = await bundleAndRun('plain', {});
    expect(output.ok).toBe(false);
    expect(output.ok ? '' : output.stderr).toMatch(/__dirname|proto/);
  });
});
