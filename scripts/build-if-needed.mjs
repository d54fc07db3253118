// `npm start` runs the compiled server and serves the built gallery; build first when either is
// missing or older than src.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

// src/web (the gallery's client) is under src too; dist/web/app.js is its build. A build from
// before GET /docs has no dist/web/docs/, the viewer's copy: built again then too.
const built = 'dist/server.js';
const stale = (file) => !existsSync(file) || statSync(file).mtimeMs < newest('src');
if (stale(built) || stale('dist/web/app.js') || !existsSync('dist/web/docs/swagger-ui.css')) {
  console.log('building pixtag (src changed since the last build)…');
  // The plain server and the gallery only: the Lambda bundle (and its arm64 sharp) is not needed.
  execSync('npm run -s build:server', { stdio: 'inherit' });
}
