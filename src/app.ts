// buildHttpApp: the Express application, assembled the same way by every runtime: the plain
// server (local-runtime.ts), the Lambda `api` handler (lambda.ts) and the tests (through either).
// Config and adapters in; middleware, routers and the one error handler out. It reads no
// environment, chooses no adapter and never listens.
import express, { type RequestHandler } from 'express';
import { imagesContext, type Adapters } from './adapters.js';
import type { Config } from './config.js';
import { listingVersion } from './images/read-images.js';
import type { Logger } from './logger.js';
import { storageOriginOf } from './storage/storage-origin.js';
import { createAuthenticate } from './http/authenticate.js';
import { contentSecurityPolicy } from './http/content-security-policy.js';
import { cors } from './http/cors.js';
import { errorHandler, methodNotAllowed, unknownRoute } from './http/problem.js';
import { requestContext } from './http/request-context.js';
import { securityHeaders } from './http/security-headers.js';
import { authRoutes } from './http/routes/auth.js';
import { fileRoutes } from './http/routes/files.js';
import { docsRoutes } from './http/routes/docs.js';
import { healthRoutes } from './http/routes/health.js';
import { ListingCache } from './http/listing-cache.js';
import { imageRoutes } from './http/routes/images.js';
import { imageTagRoutes } from './http/routes/image-tags.js';
import { tagRoutes } from './http/routes/tags.js';
import { vocabularyRoutes } from './http/routes/vocabulary.js';
import { webRoutes } from './http/routes/web.js';
import { createSignInRateLimit } from './http/signin-rate-limit.js';
import { flagNonJsonBody } from './http/validate.js';

/** What differs by where the app runs: the one logger, and where its gallery's files are. */
export interface HttpAppOptions {
  log: Logger;
  /** The built web gallery (scripts/build-web.mjs); unset: GET / answers 404. */
  webDir?: string;
  /** For tests: a different sign-in rate limit. */
  signInRateLimit?: RequestHandler;
}

export function buildHttpApp(
  config: Config,
  adapters: Adapters,
  options: HttpAppOptions,
): express.Express {
  const { log } = options;
  const { identity, localFiles } = adapters;
  const images = imagesContext(config, adapters);
  const app = express();
  app.disable('x-powered-by');
  // The API answers JSON to programs: ETags on every response only cost hashing.
  app.set('etag', false);
  // Behind API Gateway, a load balancer or a container proxy, the client IP (used by the sign-in
  // rate limit) comes from X-Forwarded-For; one hop is what every deployment here has.
  app.set('trust proxy', 1);

  app.use(requestContext(log));
  app.use(cors(config.corsOrigin));
  app.use(
    securityHeaders({
      // Download URLs are meant to be shown by web apps on other origins.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      contentSecurityPolicy: {
        useDefaults: false,
        directives: contentSecurityPolicy(storageOriginOf(config)),
      },
    }),
  );

  // Before the JSON parser: upload bodies are images and stream straight to disk.
  if (localFiles) app.use(fileRoutes(localFiles, images.processing));

  app.use(express.json({ limit: '16kb' }), flagNonJsonBody);

  const authenticate = createAuthenticate(identity.tokenRules);
  // One cache for both routers: GET /tags/:tag/images and /images?tags=<tag> share pages.
  const listings = new ListingCache((owner) => listingVersion(images, owner));
  // The routers' paths do not overlap, so their order only decides how many a request walks
  // through before its own: the busiest first.
  // Before imageRoutes: /images/tags is not an image id.
  app.use(imageTagRoutes(images, authenticate));
  app.use(imageRoutes(images, authenticate, config.maxUploadBytes, listings));
  app.use(tagRoutes(images, authenticate, listings));
  app.use(vocabularyRoutes(adapters.vocabulary, authenticate));
  app.use(healthRoutes());
  app.use(authRoutes(identity, options.signInRateLimit ?? createSignInRateLimit()));
  app.use(webRoutes({ dir: options.webDir, maxUploadBytes: config.maxUploadBytes }));
  app.use(docsRoutes({ webDir: options.webDir }));

  // Built (and its module loaded) on first request: a cold start should not generate JSON Schemas.
  let openapi: string | undefined;
  app
    .route('/openapi.json')
    .get(async (_req, res) => {
      if (openapi === undefined) {
        const { buildOpenApiDocument } = await import('./http/openapi.js');
        openapi = JSON.stringify(buildOpenApiDocument({ maxUploadBytes: config.maxUploadBytes }));
      }
      res.type('application/json').send(openapi);
    })
    .all(methodNotAllowed(['GET']));

  if (identity.publicJwks) {
    app
      .route('/.well-known/jwks.json')
      .get((_req, res) => {
        res.set('Cache-Control', 'public, max-age=300').json(identity.publicJwks?.());
      })
      .all(methodNotAllowed(['GET']));
  }

  app.use(unknownRoute);
  app.use(errorHandler(log));
  return app;
}
