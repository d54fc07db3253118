// What a Lambda cold start loads: index.mjs and the chunks it imports statically. The tagger
// clients (Rekognition, Clarifai) belong to onUpload's first upload, never to `api`'s start, so
// each must sit in chunks reached only through a dynamic import().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { bundleLambda } from '../../scripts/build-lambda.mjs';

describe('the Lambda bundle', () => {
  let outdir: string;
  let outputs: Metafile['outputs'];
  let entry: string;

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'pixtag-chunks-'));
    const result = (await bundleLambda(outdir)) as { metafile: Metafile };
    outputs = result.metafile.outputs;
    entry = Object.keys(outputs).find((file) => file.endsWith('/index.mjs'))!;
  }, 120_000);

  afterAll(() => {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  /** index.mjs and every chunk it reaches through static imports: a cold start's code. */
  const loadedAtStart = (): Set<string> => {
    const seen = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const imported of outputs[file]?.imports ?? []) {
        if (imported.kind === 'import-statement' && outputs[imported.path]) walk(imported.path);
      }
    };
    walk(entry);
    return seen;
  };
  const inputsOf = (files: Iterable<string>) =>
    [...files].flatMap((file) => Object.keys(outputs[file]?.inputs ?? {}));

  it('when a function starts, then neither tagger client nor the JPEG re-encoder is loaded, only the descriptors', () => {
    const atStart = inputsOf(loadedAtStart());
    expect(atStart).toContain('src/tagging/rekognition.adapter.ts');
    expect(
      atStart.filter((input) => /client-rekognition|clarifai-nodejs-grpc/.test(input)),
    ).toEqual([]);
    expect(atStart).not.toContain('src/tagging/rekognition.ts');
    expect(atStart).not.toContain('src/imaging/encode-jpeg.ts');
  });

  it('when the Rekognition tagger is created, then its client comes from a chunk reached by import()', () => {
    const lazy = Object.keys(outputs).filter(
      (file) => file.endsWith('.mjs') && !loadedAtStart().has(file),
    );
    const withClient = lazy.filter((file) =>
      inputsOf([file]).some((input) => input.includes('@aws-sdk/client-rekognition')),
    );
    expect(withClient.length).toBeGreaterThan(0);
    for (const file of withClient) {
      const importers = Object.entries(outputs).flatMap(([from, output]) =>
        output.imports.filter((i) => i.path === file).map((i) => ({ from, kind: i.kind })),
      );
      expect(importers.length, relative(outdir, file)).toBeGreaterThan(0);
      // Reached only lazily: a static import from another lazy chunk is lazy too.
      for (const { from } of importers) expect(loadedAtStart().has(from)).toBe(false);
    }
  });
});
