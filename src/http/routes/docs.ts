// GET /docs: /openapi.json as a reference page to read, public like the document itself. The
// viewer is Swagger UI (swagger-ui-dist), served by the app from its own files, never a CDN: it
// runs under the app's Content-Security-Policy unchanged (scripts and styles from 'self', no
// inline code, no outside request). Its two files are read from the built web folder, where
// scripts/build-web.mjs copies them (so they reach the container and the Lambda bundle, which
// have no dev packages), or, running from source, straight from node_modules. Read on first
// request and kept in memory, like the gallery (routes/web.ts).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Router, type Request, type Response } from 'express';
import { AppError } from '../http-error.js';
import { methodNotAllowed } from '../problem.js';
import { assetOf, sendAsset, type Asset } from './web.js';

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const HTML = 'text/html; charset=utf-8';

/** The viewer's files under <webDir>/docs/ (scripts/build-web.mjs copies these names). */
const VIEWER: Record<string, { file: string; type: string }> = {
  '/docs/swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: JS },
  '/docs/swagger-ui.css': { file: 'swagger-ui.css', type: CSS },
};

// Every URL is relative, so the page works wherever the app is mounted (an API Gateway stage:
// /prod/docs loads /prod/docs/… and /prod/openapi.json). No inline script or style: the CSP
// allows neither. The empty data: icon spares a /favicon.ico request.
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>pixtag API reference</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="docs/swagger-ui.css" />
  </head>
  <body>
    <main id="reference"></main>
    <script src="docs/swagger-ui-bundle.js"></script>
    <script src="docs/start.js"></script>
  </body>
</html>
`;

// validatorUrl: null — Swagger UI would otherwise send the document to an outside validator.
const START = `SwaggerUIBundle({
  url: 'openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  validatorUrl: null,
});
`;

export function docsRoutes(options: { webDir: string | undefined }): Router {
  const router = Router();
  const own = new Map<string, Asset>([
    ['/docs', assetOf(HTML, Buffer.from(PAGE))],
    ['/docs/start.js', assetOf(JS, Buffer.from(START))],
  ]);
  const viewer = new Map<string, Promise<Asset | undefined>>();

  const load = async (path: string): Promise<Asset | undefined> => {
    const { file, type } = VIEWER[path]!;
    for (const candidate of viewerPaths(options.webDir, file)) {
      const body = await readFile(candidate).catch(() => undefined);
      if (body) return assetOf(type, body);
    }
    return undefined;
  };

  const serve = async (req: Request, res: Response) => {
    // /docs/ would load docs/docs/…: send the browser to /docs, relatively (a stage keeps its prefix).
    if (req.path === '/docs/') {
      res.redirect(301, '../docs');
      return;
    }
    const path = req.path;
    let asset: Asset | undefined = own.get(path);
    if (!asset) {
      let loading = viewer.get(path);
      if (!loading) viewer.set(path, (loading = load(path)));
      asset = await loading;
    }
    if (!asset) {
      viewer.delete(path); // a build may still come
      throw new AppError(
        404,
        'Not Found',
        'The API reference is not built here: `npm run build` builds it (npm start does so itself).',
      );
    }
    sendAsset(req, res, asset);
  };

  for (const path of [...own.keys(), ...Object.keys(VIEWER)]) {
    router
      .route(path)
      .get(serve)
      .all(methodNotAllowed(['GET']));
  }
  return router;
}

/** Where a viewer file may be: the built copy first, then the installed package (from source). */
function viewerPaths(webDir: string | undefined, file: string): string[] {
  const paths = webDir ? [join(webDir, 'docs', file)] : [];
  try {
    paths.push(createRequire(import.meta.url).resolve(`swagger-ui-dist/${file}`));
  } catch {
    // Not installed (a production install, the Lambda bundle): the built copy is the one.
  }
  return paths;
}
