// Where a worker thread's script is, whether pixtag runs compiled (dist/, `npm start`) or from its
// TypeScript sources (tsx, vitest). Compiled, the .js file sits next to the module that asks.
// From sources there is only the .ts file, and a thread does not inherit the loader that let its
// parent import TypeScript (on Node 20 not even with `--import tsx` in execArgv, and vitest's is
// no Node loader at all): the thread starts from typescript-thread.mjs, which registers tsx's
// loader inside the thread, then imports the .ts file.
import { existsSync } from 'node:fs';
import type { WorkerOptions } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

/** The first two arguments of `new Worker(…)`. */
export interface WorkerScript {
  filename: URL | string;
  options: Pick<WorkerOptions, 'argv'>;
}

/** `name` without extension, next to `base` (the asking module's import.meta.url). */
export function workerScript(name: string, base: string): WorkerScript {
  const compiled = new URL(`./${name}.js`, base);
  if (existsSync(fileURLToPath(compiled))) return { filename: compiled, options: {} };
  const source = new URL(`./${name}.ts`, base);
  if (!existsSync(fileURLToPath(source))) {
    throw new Error(`The worker script ${name} is not next to ${base} (neither .js nor .ts).`);
  }
  // tsx is a dev dependency: only a source checkout runs .ts files, and it has tsx installed.
  const bootstrap = new URL('./typescript-thread.mjs', import.meta.url);
  return { filename: bootstrap, options: { argv: [source.href] } };
}
