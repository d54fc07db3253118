// Bundles src/lambda.ts into dist/lambda/index.mjs (ESM, Node 22, code splitting): the one bundle
// both functions run from. Splitting keeps the Clarifai and Rekognition clients, the S3 SDK and
// OpenSearch in chunks of their own that load only when used (test/lambda/lazy-chunks.test.ts). The local-only native packages (better-sqlite3, the
// local model) are never imported on Lambda (each adapter descriptor's create() imports its
// module, and only the chosen adapters are built), so they stay out of the bundle. sharp (thumbnails, in onUpload) is native too: it ships beside the bundle in
// node_modules/, built for the functions' architecture (see installSharp).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildWeb } from './build-web.mjs';
import { clarifaiEsbuildOptions } from './clarifai-bundle.mjs';

// Smaller stand-ins for dependencies' cold-start weight (see each file for why).
const shim = (name) => fileURLToPath(new URL(`./lambda-shims/${name}`, import.meta.url));
// The media types an API that speaks JSON and points at image URLs can send or receive; mime-types
// keeps its own logic, over these entries of mime-db instead of all 2,500 (150 KiB to parse).
const MEDIA_TYPES = [
  'application/json',
  'application/octet-stream',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
  'text/html',
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
];
const require = createRequire(import.meta.url);
const lambdaShims = {
  name: 'lambda-shims',
  setup(build) {
    build.onResolve({ filter: /^mime-db$/ }, () => ({
      path: 'mime-db',
      namespace: 'lambda-shims',
    }));
    build.onLoad({ filter: /^mime-db$/, namespace: 'lambda-shims' }, () => {
      const db = require('mime-db');
      const kept = Object.fromEntries(MEDIA_TYPES.map((type) => [type, db[type]]));
      return { contents: `module.exports = ${JSON.stringify(kept)};`, loader: 'js' };
    });
    build.onResolve({ filter: /^iconv-lite$/ }, () => ({ path: shim('iconv-lite.cjs') }));
    build.onResolve({ filter: /locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: shim('zod-locales.mjs') } : undefined,
    );
  },
};
const root = fileURLToPath(new URL('..', import.meta.url));

/** The functions' architecture, as infra/pixtag-stack.ts declares it (Graviton: cheaper). */
export const LAMBDA_CPU = 'arm64';

/**
 * Builds the bundle into outdir (emptied first), with sharp for `cpu` in outdir/node_modules.
 * The end-to-end test builds into a temp folder for this machine's cpu, to run it here.
 * The web gallery's three files go to outdir/web, where `api` serves them from (lambda.ts): a
 * folder of the function's code rather than strings inside the bundle, so the plain server and
 * Lambda serve the very same files, and a cold start that answers only the API never reads them.
 */
export async function buildLambda(outdir, { cpu = LAMBDA_CPU } = {}) {
  await rm(outdir, { recursive: true, force: true });
  const result = await bundleLambda(outdir);
  await installSharp(join(outdir, 'node_modules'), cpu);
  await buildWeb(join(outdir, 'web'));
  return result;
}

/**
 * sharp and its dependencies, with the prebuilt libvips for Linux (glibc, as on Lambda's Amazon
 * Linux 2023) on `cpu`. This machine's own cpu is copied from the project's node_modules; another
 * is installed once from the npm registry into a cache (sharp's documented cross-install).
 */
async function installSharp(target, cpu) {
  const modules = join(root, 'node_modules');
  const { version } = JSON.parse(await readFile(join(modules, 'sharp', 'package.json'), 'utf8'));
  let source = modules;
  let packages = await dependencyClosure(modules, 'sharp');
  packages.push(`@img/sharp-linux-${cpu}`, `@img/sharp-libvips-linux-${cpu}`);
  if (!(process.platform === 'linux' && process.arch === cpu)) {
    source = join(modules, '.cache', 'pixtag-lambda', `sharp-${version}-linux-${cpu}`);
    const ready = join(source, `@img/sharp-linux-${cpu}`, 'package.json');
    if (!(await exists(ready))) {
      const prefix = join(source, '..', `install-${version}-${cpu}`);
      await rm(prefix, { recursive: true, force: true });
      execFileSync(
        'npm',
        [
          'install',
          '--prefix',
          prefix,
          '--no-save',
          '--no-package-lock',
          '--no-audit',
          '--no-fund',
          '--os=linux',
          `--cpu=${cpu}`,
          '--libc=glibc',
          `sharp@${version}`,
        ],
        { stdio: 'inherit' },
      );
      await rm(source, { recursive: true, force: true });
      await cp(join(prefix, 'node_modules'), source, { recursive: true });
      await rm(prefix, { recursive: true, force: true });
    }
    packages = await dependencyClosure(source, 'sharp');
    packages.push(`@img/sharp-linux-${cpu}`, `@img/sharp-libvips-linux-${cpu}`);
  }
  for (const name of packages) {
    await cp(join(source, name), join(target, name), { recursive: true, dereference: true });
  }
}

/** The package and its dependencies, as installed (hoisted) under `modules`. */
async function dependencyClosure(modules, name, seen = new Set()) {
  if (seen.has(name)) return [...seen];
  seen.add(name);
  const manifest = JSON.parse(await readFile(join(modules, name, 'package.json'), 'utf8'));
  for (const dependency of Object.keys(manifest.dependencies ?? {})) {
    await dependencyClosure(modules, dependency, seen);
  }
  return [...seen];
}

const exists = (path) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** The bundle alone (no sharp, no gallery), with esbuild's metafile: what loads what. */
export function bundleLambda(outdir) {
  return build({
    absWorkingDir: root,
    entryPoints: { index: 'src/lambda.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: true,
    minify: true,
    keepNames: true,
    metafile: true,
    legalComments: 'linked',
    // aws-sdk (v2) is only a fallback the OpenSearch signer tries when the v3 credential provider
    // is missing; v3 is bundled, so v2 (9.5 MB) never is.
    // Tesseract (tesseract.js and its data) reads text for the local tagger only, which Lambda
    // never runs: external, so the bundle carries none of it.
    external: [
      'better-sqlite3',
      'sharp',
      '@vladmandic/human',
      '@tensorflow/*',
      'aws-sdk',
      'tesseract.js',
      '@tesseract.js-data/*',
    ],
    // clarifai-nodejs-grpc reads .proto files from disk next to itself: replaced at build time by
    // the definitions it needs, inlined.
    plugins: [...clarifaiEsbuildOptions().plugins, lambdaShims],
    // CommonJS dependencies (express and friends) call require(); ESM output has none by default.
    banner: {
      js: "import { createRequire as __pixtagRequire } from 'node:module'; const require = __pixtagRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outdir = 'dist/lambda';
  const result = await buildLambda(outdir);
  // What went where, for size work (esbuild's analyser reads it); kept outside the function's code.
  await writeFile('dist/lambda-meta.json', JSON.stringify(result.metafile));
  const code = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.mjs'));
  const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
  const entry = code.find(([file]) => file.endsWith('/index.mjs'));
  console.log(
    `lambda bundle: ${outdir}/index.mjs ${kib(entry[1].bytes)}, with ${code.length - 1} lazy chunks ${kib(code.reduce((sum, [, o]) => sum + o.bytes, 0))}`,
  );
}
