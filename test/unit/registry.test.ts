// The adapter registry (src/registry.ts): what config.ts composes and adapters.ts looks up. Every
// start reads every descriptor, a Lambda cold start included, so a descriptor must stay light:
// its module may load zod and the registry's own small helpers, and nothing else but types.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { PORT_VARIABLES, processingFor, registry } from '../../src/registry.js';

const SRC = join(import.meta.dirname, '..', '..', 'src');
/** What a descriptor module may import at run time; `import type` is free. */
const LIGHT = new Set(['zod', '../adapter-descriptor.js', '../env-schemas.js', '../lazy-port.js']);

describe('the adapter registry', () => {
  it('when a port lists its adapters, then each kind is listed once and the first is the default', () => {
    const defaults = loadConfig({});
    for (const variable of PORT_VARIABLES) {
      const kinds = registry[variable].map((adapter) => adapter.kind);
      expect(new Set(kinds).size).toBe(kinds.length);
      const key = variable.toLowerCase() as Lowercase<typeof variable>;
      expect(defaults[key].kind).toBe(kinds[0]);
    }
  });

  it('when a store is listed, then the ProcessingQueue it names is listed too', () => {
    for (const storage of registry.STORAGE) {
      expect(processingFor(storage).kind).toBe(storage.processing);
    }
  });

  it('when a descriptor module is read, then it loads only zod and the registry helpers at run time', () => {
    const descriptors = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.adapter.ts'),
    );
    expect(descriptors.length).toBeGreaterThanOrEqual(10);
    for (const file of descriptors) {
      const source = readFileSync(join(SRC, file), 'utf8');
      const loaded = [...source.matchAll(/^import (?!type )[^;]*?from '([^']+)';/gms)].map(
        (match) => match[1],
      );
      expect({ file, heavy: loaded.filter((module) => !LIGHT.has(module!)) }).toEqual({
        file,
        heavy: [],
      });
    }
  });
});
