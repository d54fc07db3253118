import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { workerScript } from '../../src/tagging/worker-script.js';

describe('workerScript', () => {
  const dirs: string[] = [];
  /** A folder like src/tagging or dist/tagging, with the asking module and the given files. */
  const folder = (...files: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'pixtag-worker-script-'));
    dirs.push(dir);
    for (const file of files) writeFileSync(join(dir, file), '');
    return pathToFileURL(join(dir, 'asking-module.js')).href;
  };

  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('when compiled (dist/), then the .js next to the asking module runs as is, with the process flags', () => {
    const base = folder('thread.js', 'thread.ts');
    expect(workerScript('thread', base)).toEqual({
      filename: new URL('./thread.js', base),
      options: {},
    });
  });

  it('when run from sources, then the thread starts from the tsx bootstrap and is given the .ts file', () => {
    const base = folder('thread.ts');
    const { filename, options } = workerScript('thread', base);
    expect(String(filename)).toMatch(/\/src\/tagging\/typescript-thread\.mjs$/);
    expect(options).toEqual({ argv: [new URL('./thread.ts', base).href] });
  });

  it('when neither file is there, then it says which script is missing', () => {
    expect(() => workerScript('thread', folder())).toThrow(/worker script thread is not next to/);
  });
});
