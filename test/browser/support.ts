// The browser test's real stand-ins: pixtag started like `npm start` (its own node process, run
// from source with tsx so no prior `npm run build` is needed, on a free port and a temporary
// DATA_DIR) with the gallery freshly built, and Debian's chromium driven by playwright-core.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { freePort, startNode } from '../../bench/support/processes.js';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { buildWeb } from '../../scripts/build-web.mjs';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..', '..');

/** Fails (never skips) without chromium: a gallery that was not tried in a browser is not done. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser test needs Debian's chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does).`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    // DESIGN.md "Real stand-ins"; playwright adds a fresh temporary profile.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface GalleryServer {
  url: string;
  stop(): Promise<void>;
}

export async function startGalleryServer(): Promise<GalleryServer> {
  // Where src/local-runtime.ts serves the gallery from; `npm run build` writes the same files.
  await buildWeb(join(ROOT, 'dist', 'web'));
  const dataDir = mkdtempSync(join(tmpdir(), 'pixtag-browser-'));
  const port = await freePort();
  const server = await startNode({
    script: join(ROOT, 'src', 'server.ts'),
    nodeArgs: ['--import', 'tsx'],
    port,
    readyPath: '/health',
    deadlineMs: 60_000,
    env: {
      DATA_DIR: dataDir,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
    },
  });
  return {
    url: server.url,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
