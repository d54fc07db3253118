// GET / and /web/*: the web gallery, a static page and its two assets built by
// scripts/build-web.mjs (into dist/web for the plain server, dist/lambda/web for Lambda). Read
// from disk on first request and kept in memory: a cold start that only answers the API never
// reads them. index.html carries the upload limits, so the page refuses a file before any request
// without fetching a config.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Router, type Request, type Response } from 'express';
import { AppError } from '../http-error.js';
import { ALLOWED_IMAGE_TYPES } from '../../domain/content-types.js';
import { methodNotAllowed } from '../problem.js';

export interface WebOptions {
  /** The folder scripts/build-web.mjs wrote; undefined or unbuilt: GET / says so (404). */
  dir: string | undefined;
  maxUploadBytes: number;
}

/** A file the app serves as it is, with its validator. */
export interface Asset {
  type: string;
  body: Buffer;
  etag: string;
}

export function assetOf(type: string, body: Buffer): Asset {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  return { type, body, etag };
}

/** Revalidated every time (a 304 is a few bytes): a new build is never hidden behind a cache. */
export function sendAsset(req: Request, res: Response, asset: Asset): void {
  res.set({ 'Content-Type': asset.type, 'Cache-Control': 'no-cache', ETag: asset.etag });
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  res.send(asset.body);
}

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/web/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/web/styles.css': { file: 'styles.css', type: 'text/css; charset=utf-8' },
};

export function webRoutes(options: WebOptions): Router {
  const router = Router();
  const loaded = new Map<string, Promise<Asset | undefined>>();

  const load = async (path: string): Promise<Asset | undefined> => {
    const { file, type } = FILES[path]!;
    if (!options.dir) return undefined;
    let text = await readFile(join(options.dir, file), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    if (file === 'index.html') {
      text = text
        .replace('%MAX_UPLOAD_BYTES%', String(options.maxUploadBytes))
        .replace('%IMAGE_TYPES%', ALLOWED_IMAGE_TYPES.join(','));
    }
    return assetOf(type, Buffer.from(text));
  };

  const serve = async (req: Request, res: Response) => {
    let asset = loaded.get(req.path);
    if (!asset) loaded.set(req.path, (asset = load(req.path)));
    const found = await asset;
    if (!found) {
      loaded.delete(req.path); // a build may still come
      throw new AppError(
        404,
        'Not Found',
        'The web gallery is not built here: `npm run build` builds it (npm start does so itself).',
      );
    }
    sendAsset(req, res, found);
  };

  for (const path of Object.keys(FILES)) {
    router
      .route(path)
      .get(serve)
      .all(methodNotAllowed(['GET']));
  }
  return router;
}
