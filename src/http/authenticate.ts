// Bearer-token authentication for every protected route: express-jwt verifies an RS256 JWT
// against the identity provider's JWKS (jwks-rsa), then the provider's required claims are
// checked. Every failure becomes an AppError: 401 with the RFC 6750 WWW-Authenticate header, or
// 503 when the keys cannot be fetched (not the client's fault). A token that passed all of it is
// remembered (VerifiedTokens) so that its next requests skip the RSA verify.
import { createPublicKey, type KeyObject } from 'node:crypto';
import type express from 'express';
import { expressjwt, UnauthorizedError, type GetVerificationKey } from 'express-jwt';
import type { Request as JwtRequest } from 'express-jwt';
import type { JwtPayload } from 'jsonwebtoken';
import { JwksClient } from 'jwks-rsa';
import { AppError, unauthorized } from './http-error.js';
import type { TokenRules } from '../identity/identity-provider.js';

const REALM = 'Bearer realm="pixtag"';
const INVALID_TOKEN = 'Bearer realm="pixtag", error="invalid_token"';

/** How long a public key is trusted without asking the JWKS again (jwks-rsa's own default). */
const KEY_TTL_MS = 10 * 60_000;
/** Providers publish one or two keys at a time (two during a rotation); more is noise. */
const MAX_CACHED_KEYS = 16;
/** One entry per signed-in session in the last hour is plenty; about 1 KB each. */
const MAX_VERIFIED_TOKENS = 10_000;

export function createAuthenticate(rules: TokenRules): express.RequestHandler {
  const keys = new VerificationKeys(createJwksClient(rules.jwks));
  const verified = new VerifiedTokens();
  const verify = expressjwt({
    secret: keys.secret,
    algorithms: ['RS256'],
    issuer: rules.issuer,
    audience: rules.audience,
    credentialsRequired: true,
    getToken: bearerToken,
  });

  return (req, res, next) => {
    const token = bearerToken(req);
    const known = token === undefined ? undefined : verified.get(token);
    if (known !== undefined) {
      (req as JwtRequest).auth = known;
      return next();
    }
    void verify(req, res, (error?: unknown) => {
      let failure: AppError | undefined;
      try {
        if (error !== undefined) throw toAppError(error, req);
        checkClaims(req, rules);
      } catch (refused) {
        failure = refused as AppError;
      }
      if (failure === undefined) {
        const claims = (req as JwtRequest).auth;
        if (token !== undefined && claims) verified.add(token, claims, keys.trustedUntil(req));
        return next();
      }
      // A rejected token's claims must not be readable further down.
      delete (req as JwtRequest).auth;
      next(failure);
    });
  };
}

/** The verified `sub` of the caller; only for routes behind createAuthenticate. */
export function callerId(req: express.Request): string {
  const sub: unknown = (req as JwtRequest).auth?.sub;
  if (typeof sub !== 'string' || sub === '') {
    throw new Error('callerId() used on a route without the authenticate middleware');
  }
  return sub;
}

/** `Authorization: Bearer <token>`; any other scheme counts as no bearer token at all. */
function bearerToken(req: express.Request): string | undefined {
  const match = /^Bearer[ \t]+(\S.*)$/i.exec(req.headers.authorization?.trim() ?? '');
  return match?.[1];
}

function invalidToken(detail: string): AppError {
  return unauthorized(detail, { 'WWW-Authenticate': INVALID_TOKEN });
}

function toAppError(error: unknown, req: express.Request): AppError {
  if (error instanceof AppError) return error;
  if (bearerToken(req) === undefined) {
    return unauthorized('Sign in and send the token as "Authorization: Bearer <token>".', {
      'WWW-Authenticate': REALM,
    });
  }
  const expired =
    error instanceof UnauthorizedError &&
    error.inner instanceof Error &&
    error.inner.name === 'TokenExpiredError';
  return invalidToken(expired ? 'The token has expired.' : 'The token is not valid.');
}

function checkClaims(req: express.Request, rules: TokenRules): void {
  const claims = (req as JwtRequest).auth;
  // No claims at all: express-jwt lets CORS preflights through unverified (normally answered
  // before this), or the payload was not a JSON object.
  if (typeof claims !== 'object' || claims === null) throw toAppError(undefined, req);
  for (const [name, value] of Object.entries(rules.requiredClaims ?? {})) {
    if (claims[name] !== value) throw invalidToken('The token is not valid here.');
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    throw invalidToken('The token names no user.');
  }
}

function createJwksClient(jwks: TokenRules['jwks']): JwksClient {
  if ('uri' in jwks) return new JwksClient({ cache: true, rateLimit: true, jwksUri: jwks.uri });
  return new JwksClient({
    // In-process keys cost no request, so there is nothing to rate-limit: a limit would only let
    // tokens with made-up kids turn valid sign-ins into 503s.
    cache: true,
    rateLimit: false,
    getKeysInterceptor: jwks.keys,
    // When the intercepted keys lack the kid, jwks-rsa falls back to fetching jwksUri; with no
    // URI that fails like a network outage (a 503). Reading the same keys there keeps an
    // unknown kid a 401.
    fetcher: async () => ({ keys: await jwks.keys() }),
  });
}

/**
 * Public keys by kid, as parsed KeyObjects. jwks-rsa hands out PEM strings, and jsonwebtoken
 * parses a PEM on every verify (about 250 µs against 43 µs with a KeyObject), so the parsed key
 * is kept here; jwks-rsa still does the fetching, its cache and its rate limit.
 */
class VerificationKeys {
  private readonly keys = new Map<string, { key: KeyObject; expiresAt: number }>();
  /** Until when the key handed out for a request's token is trusted (0: a stale key). */
  private readonly trustByRequest = new WeakMap<object, number>();

  constructor(private readonly client: JwksClient) {}

  readonly secret: GetVerificationKey = async (req, token) => {
    // Only RS256 is accepted anyway; refusing others here saves a JWKS lookup for `none` & co.
    if (token?.header.alg !== 'RS256') throw invalidToken('The token is not valid.');
    const kid = token.header.kid;
    if (typeof kid !== 'string' || kid === '') throw invalidToken('The token names no key.');
    let entry = this.keys.get(kid);
    if (!entry || entry.expiresAt <= Date.now()) entry = await this.fetch(kid, entry?.key);
    this.trustByRequest.set(req, entry.expiresAt);
    return entry.key;
  };

  /** Until when the key that verified this request's token stays trusted without a new fetch. */
  trustedUntil(req: express.Request): number {
    return this.trustByRequest.get(req) ?? 0;
  }

  /** `stale`: the expired key for this kid, still used when the JWKS cannot be read right now. */
  private async fetch(
    kid: string,
    stale: KeyObject | undefined,
  ): Promise<{ key: KeyObject; expiresAt: number }> {
    let pem: string;
    try {
      pem = (await this.client.getSigningKey(kid)).getPublicKey();
    } catch (error) {
      if (error instanceof Error && error.name === 'SigningKeyNotFoundError') {
        throw invalidToken('The token was signed by an unknown key.');
      }
      // Network failures, a JWKS with no keys, and jwks-rsa's own rate limit (10 fetches a
      // minute, which tokens with made-up kids can use up) alike: the token may be fine, the keys
      // are not available right now. A key we already trusted stays trusted meanwhile.
      if (stale) return { key: stale, expiresAt: 0 };
      throw new AppError(503, 'Service Unavailable', 'Sign-in service unavailable.', {
        headers: { 'Retry-After': '30' },
        cause: error,
      });
    }
    const key = createPublicKey(pem);
    this.keys.delete(kid);
    if (this.keys.size >= MAX_CACHED_KEYS) {
      const oldest = this.keys.keys().next();
      if (!oldest.done) this.keys.delete(oldest.value);
    }
    const entry = { key, expiresAt: Date.now() + KEY_TTL_MS };
    this.keys.set(kid, entry);
    return entry;
  }
}

/**
 * Tokens that passed every check above, by their exact text, with their claims. A repeated token
 * skips decoding and the RSA verify (with express-jwt's wrapping, the largest fixed cost of an
 * authenticated request). An entry answers only until the token's `exp` or until its key needs
 * fetching again, whichever is first, so a cached token is accepted exactly when verifying it
 * again would accept it: same bytes, same key, same claims, checked against the same clock.
 * Only verified tokens get in, and at most MAX_VERIFIED_TOKENS of them.
 */
class VerifiedTokens {
  private readonly tokens = new Map<string, { claims: JwtPayload; until: number }>();

  get(token: string): JwtPayload | undefined {
    const entry = this.tokens.get(token);
    if (entry === undefined) return undefined;
    if (Date.now() < entry.until) return entry.claims;
    this.tokens.delete(token);
    return undefined;
  }

  add(token: string, claims: JwtPayload, keyTrustedUntil: number): void {
    // No exp: jsonwebtoken accepts such a token for ever, but it is not worth remembering.
    if (typeof claims.exp !== 'number') return;
    const until = Math.min(claims.exp * 1000, keyTrustedUntil);
    if (until <= Date.now()) return;
    if (this.tokens.size >= MAX_VERIFIED_TOKENS) {
      const oldest = this.tokens.keys().next();
      if (!oldest.done) this.tokens.delete(oldest.value);
    }
    // Shared by every request with this token: nobody may change it.
    this.tokens.set(token, { claims: Object.freeze(claims), until });
  }
}
