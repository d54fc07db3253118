// npm run lint:openapi (and so npm run lint): writes /openapi.json as the app serves it with the
// default configuration, from the code (src/http/openapi.ts), to dist/openapi.json, then lints
// that file with Redocly CLI under redocly.yaml. `npx @redocly/cli lint` afterwards lints the same
// file. Offline: telemetry is off in redocly.yaml, the update check here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { buildOpenApiDocument } from '../src/http/openapi.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = join(root, 'dist', 'openapi.json');
// The document depends on one setting, the upload limit: its default, as a server without
// MAX_UPLOAD_BYTES serves it.
const { maxUploadBytes } = loadConfig({});
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(buildOpenApiDocument({ maxUploadBytes }), null, 2)}\n`);

const cli = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
const lint = spawnSync(process.execPath, [cli, 'lint', '--format=stylish'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'pipe'],
  env: { ...process.env, REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  encoding: 'utf8',
});
// Redocly prints a boxed notice on every run under Node 20 (its next major needs Node 22); the
// project runs Node 20 on purpose (better-sqlite3 12), so the box is left out and the rest kept.
process.stderr.write(lint.stderr.replace(/^\s*[╔║╚].*\n/gm, ''));
process.exit(lint.status ?? 1);
