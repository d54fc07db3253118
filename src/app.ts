// createApp(deps): the Express application, the same on the plain server and on Lambda.
// Middleware, routers and the one error handler. It reads no environment and never listens.
import express, { type RequestHandler } from 'express';
import type { IdentityProvider } from './identity/identity-provider.js';
import type { ImagesContext } from './images/context.js';
import { listingVersion } from './images/read-images.js';
import type { Logger } from './logger.js';
import type { LocalBlobStore } from './storage/local.js';
import { createAuthenticate } from './http/authenticate.js';
import { contentSecurityPolicy } from './http/content-security-policy.js';
import { cors } from './http/cors.js';
import { errorHandler, methodNotAllowed, unknownRoute } from './http/problem.js';
import { requestContext } from './http/request-context.js';
import { securityHeaders } from './http/security-headers.js';
import { authRoutes } from './http/routes/auth.js';
import { fileRoutes } from './http/routes/files.js';
import { healthRoutes } from './http/routes/health.js';
import { ListingCache } from './http/listing-cache.js';
import { imageRoutes } from './http/routes/images.js';
import { tagRoutes } from './http/routes/tags.js';
import { webRoutes } from './http/routes/web.js';
import { createSignInRateLimit } from './http/signin-rate-limit.js';

export interface AppDeps {
  images: ImagesContext;
  identity: IdentityProvider;
  log: Logger;
  maxUploadBytes: number;
  corsOrigin: '*' | string[];
  /** Where the BlobStore's signed URLs point (http/content-security-policy.ts storageOriginOf). */
  storageOrigin: string;
  /** The built web gallery (scripts/build-web.mjs); unset: GET / answers 404. */
  webDir?: string;
  /** STORAGE=local: the store whose signed URLs this app serves at /files/*. */
  localFiles?: LocalBlobStore;
  /** For tests: a different sign-in rate limit. */
  signInRateLimit?: RequestHandler;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // The API answers JSON to programs: ETags on every response only cost hashing.
  app.set('etag', false);
  // Behind API Gateway, a load balancer or a container proxy, the client IP (used by the sign-in
  // rate limit) comes from X-Forwarded-For; one hop is what every deployment here has.
  app.set('trust proxy', 1);

  app.use(requestContext(deps.log));
  app.use(cors(deps.corsOrigin));
  app.use(
    securityHeaders({
      // Download URLs are meant to be shown by web apps on other origins.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      contentSecurityPolicy: {
        useDefaults: false,
        directives: contentSecurityPolicy(deps.storageOrigin),
      },
    }),
  );

  // Before the JSON parser: upload bodies are images and stream straight to disk.
  if (deps.localFiles) app.use(fileRoutes(deps.localFiles, deps.images.processing));

  app.use(express.json({ limit: '16kb' }));

  const authenticate = createAuthenticate(deps.identity.tokenRules);
  // One cache for both routers: GET /tags/:tag/images and /images?tags=<tag> share pages.
  const listings = new ListingCache((owner) => listingVersion(deps.images, owner));
  // The routers' paths do not overlap, so their order only decides how many a request walks
  // through before its own: the busiest first.
  app.use(imageRoutes(deps.images, authenticate, deps.maxUploadBytes, listings));
  app.use(tagRoutes(deps.images, authenticate, listings));
  app.use(healthRoutes());
  app.use(authRoutes(deps.identity, deps.signInRateLimit ?? createSignInRateLimit()));
  app.use(webRoutes({ dir: deps.webDir, maxUploadBytes: deps.maxUploadBytes }));

  // Built (and its module loaded) on first request: a cold start should not generate JSON Schemas.
  let openapi: string | undefined;
  app
    .route('/openapi.json')
    .get(async (_req, res) => {
      if (openapi === undefined) {
        const { buildOpenApiDocument } = await import('./http/openapi.js');
        openapi = JSON.stringify(buildOpenApiDocument({ maxUploadBytes: deps.maxUploadBytes }));
      }
      res.type('application/json').send(openapi);
    })
    .all(methodNotAllowed(['GET']));

  const { publicJwks } = deps.identity;
  if (publicJwks) {
    app
      .route('/.well-known/jwks.json')
      .get((_req, res) => {
        res.set('Cache-Control', 'public, max-age=300').json(publicJwks.call(deps.identity));
      })
      .all(methodNotAllowed(['GET']));
  }

  app.use(unknownRoute);
  app.use(errorHandler(deps.log));
  return app;
}
