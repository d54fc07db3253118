// The code's shape, checked where a linter cannot see: every file under src/ (TypeScript, CSS,
// HTML alike) stays short enough to read at once. The import rules between folders and the one
// reader of process.env are ESLint's (eslint.config.js).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAX_LINES = 300;
const root = fileURLToPath(new URL('../..', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const lineCount = (text: string): number =>
  text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

describe('code shape', () => {
  it(`when any file under src/ is read, then it has at most ${MAX_LINES} lines, comments included`, () => {
    const files = filesUnder(join(root, 'src'));
    expect(files.length).toBeGreaterThan(50);
    const tooLong = files
      .map((file) => ({ file: relative(root, file), lines: lineCount(readFileSync(file, 'utf8')) }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(tooLong).toEqual([]);
  });

  it('when a text has a known number of lines, then it is counted as an editor shows it', () => {
    expect(lineCount('')).toBe(0);
    expect(lineCount('a\n')).toBe(1);
    expect(lineCount('a\nb')).toBe(2);
    expect(lineCount('a\nb\n')).toBe(2);
  });
});
