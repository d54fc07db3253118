// The local model on worker threads: the same contract as in-process, and the very same labels.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalModelTagger } from '../../src/tagging/local-model.js';
import { LocalModelPool } from '../../src/tagging/local-model-pool.js';
import { fixture, tagBytes, taggerContract } from './tagger.contract.js';

const run = promisify(execFile);

taggerContract('local model on 2 threads', async () => ({
  tagger: new LocalModelPool({ size: 2 }),
}));

describe('LocalModelPool with the real model', () => {
  const pool = new LocalModelPool({ size: 2 });
  const inProcess = new LocalModelTagger();

  afterAll(async () => {
    await Promise.all([pool.close(), inProcess.close()]);
  });

  it('when the fixtures are tagged at once on 2 threads, then each gets exactly the labels of the in-process model', async () => {
    const files = ['astronaut.png', 'boat.jpg', 'bus.jpg', 'car.jpg', 'squirrel.webp'];
    const photos = await Promise.all(files.map((file) => fixture(file)));
    const threaded = await Promise.all(photos.map((photo) => tagBytes(pool, photo)));
    expect(pool.stats()).toMatchObject({ threads: 2, crashes: 0 });
    for (const [i, photo] of photos.entries()) {
      expect(threaded[i], files[i]).toEqual(await tagBytes(inProcess, photo));
    }
  });

  it('when closed, then no thread is left, and the next image starts one again', async () => {
    await pool.close();
    expect(pool.stats().threads).toBe(0);
    const tags = await tagBytes(pool, await fixture('bus.jpg'), 'image/jpeg');
    expect(tags.map((t) => t.name)).toContain('bus');
    expect(pool.stats().threads).toBe(1);
  });
});

describe('LocalModelPool compiled to JavaScript, as `npm start` runs it', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  let outdir: string;

  beforeAll(async () => {
    // Inside the checkout, so the compiled files find node_modules as dist/ does.
    outdir = mkdtempSync(join(root, '.compiled-test-'));
    await build({
      absWorkingDir: root,
      entryPoints: ['src/**/*.ts'],
      outdir,
      outbase: 'src',
      format: 'esm',
      platform: 'node',
      logLevel: 'error',
    });
  });

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('when plain node runs the compiled pool, then its thread is the compiled worker and the photo is tagged', async () => {
    const pool = pathToFileURL(join(outdir, 'tagging', 'local-model-pool.js')).href;
    const decode = pathToFileURL(join(outdir, 'imaging', 'decode.js')).href;
    const photo = fileURLToPath(new URL('../fixtures/bus.jpg', import.meta.url));
    const script = `
      import { readFileSync } from 'node:fs';
      const { LocalModelPool } = await import(${JSON.stringify(pool)});
      const { decodeForModel } = await import(${JSON.stringify(decode)});
      const pool = new LocalModelPool({ size: 1 });
      const bytes = readFileSync(${JSON.stringify(photo)});
      const image = { bytes, contentType: 'image/jpeg', pixels: await decodeForModel(bytes) };
      const { labels: tags } = await pool.tag(image);
      await pool.close();
      console.log(JSON.stringify({ tags: tags.map((t) => t.name), threads: pool.stats().threads }));`;
    // No tsx anywhere: a thread that needed the TypeScript bootstrap would fail here.
    const main = join(outdir, 'main.mjs');
    writeFileSync(main, script);
    const { stdout } = await run(process.execPath, [main], {
      cwd: tmpdir(),
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const result = JSON.parse(stdout) as { tags: string[]; threads: number };
    expect(result.tags).toContain('bus');
    expect(result.threads).toBe(0);
  });
});
