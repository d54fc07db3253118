// `npm start` runs the compiled server; build first when dist is missing or older than src.
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

const built = 'dist/server.js';
if (!existsSync(built) || statSync(built).mtimeMs < newest('src')) {
  console.log('building pixtag (src changed since the last build)…');
  execSync('npm run -s build', { stdio: 'inherit' });
}
