// bench/results.json: one file, one key per benchmark ("http", "scale", "load", …), each written
// by its own script without touching the others' figures. Formatted as prettier would, so
// `prettier --check .` stays quiet when the file is there (it is git-ignored, not prettier-ignored).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';

export const RESULTS_FILE = join(import.meta.dirname, '..', 'results.json');

/** The machine a figure was measured on, recorded beside it. */
function machine(): string {
  return `${cpus().length} cores ${cpus()[0]?.model ?? 'unknown CPU'}, shared; node ${process.version}`;
}

/**
 * Replaces the benchmark's entry under `key` (stamped with the date and the machine), keeps every
 * other; returns the file's path.
 */
export async function writeResults(key: string, entry: object): Promise<string> {
  const previous = existsSync(RESULTS_FILE)
    ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, unknown>)
    : {};
  const text = JSON.stringify({
    ...previous,
    [key]: { date: new Date().toISOString(), machine: machine(), ...entry },
  });
  const options = { ...(await resolveConfig(RESULTS_FILE)), parser: 'json' };
  writeFileSync(RESULTS_FILE, await format(text, options));
  return RESULTS_FILE;
}
