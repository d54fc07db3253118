// Builds the web gallery (src/web/client) into a folder the app serves at GET / and /web/*
// (src/http/routes/web.ts): index.html, app.js (the TypeScript client, bundled and minified) and
// styles.css. No framework and no runtime dependency: the bundle is only our own code.
// Beside it, docs/: the API reference's viewer (swagger-ui-dist, a dev package), copied from
// node_modules so that the plain server, the container and the Lambda bundle (none of which has
// dev packages) serve GET /docs from the very same files (src/http/routes/docs.ts).
import { build } from 'esbuild';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const client = join(root, 'src/web/client');
// What routes/docs.ts serves, and the licence texts that travel with it (Apache-2.0 asks for
// NOTICE with every copy).
const VIEWER_FILES = [
  'swagger-ui-bundle.js',
  'swagger-ui.css',
  'LICENSE',
  'NOTICE',
  'swagger-ui-bundle.js.LICENSE.txt',
];

/**
 * Builds into outdir, replacing it whole; the browser tests and the Lambda build call it too. The
 * files are written beside it and swapped in by rename: a server already serving outdir (another
 * test file's, running in parallel) never sees it empty or half written.
 */
export async function buildWeb(outdir) {
  const fresh = `${outdir}.${process.pid}.new`;
  const result = await buildInto(fresh);
  const old = `${outdir}.${process.pid}.old`;
  await rename(outdir, old).catch((error) => {
    if (error.code !== 'ENOENT') throw error;
  });
  try {
    await rename(fresh, outdir);
  } catch (error) {
    // Another process swapped in its own build meanwhile: the same sources, so keep that one.
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    await rm(fresh, { recursive: true, force: true });
  }
  await rm(old, { recursive: true, force: true });
  return result;
}

async function buildInto(outdir) {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: join(client, 'main.ts'), styles: join(client, 'styles.css') },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // Browsers of the last few years: <dialog>, IntersectionObserver, top-level await not needed.
    target: ['chrome111', 'firefox111', 'safari16.4'],
    minify: true,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(join(client, 'index.html'), join(outdir, 'index.html'));
  const viewer = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  await mkdir(join(outdir, 'docs'));
  for (const file of VIEWER_FILES) await copyFile(join(viewer, file), join(outdir, 'docs', file));
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outdir = process.argv[2] ?? 'dist/web';
  const result = await buildWeb(outdir);
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  console.log(`web gallery: ${outdir}/ app.js + styles.css ${(bytes / 1024).toFixed(1)} KiB`);
}
