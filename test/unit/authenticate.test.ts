import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import type { ErrorRequestHandler } from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { AppError } from '../../src/http/http-error.js';
import { callerId, createAuthenticate } from '../../src/http/authenticate.js';
import type { TokenRules } from '../../src/identity/identity-provider.js';
import { LocalIdentityProvider } from '../../src/identity/local.js';

const ISSUER = 'http://localhost:3000';
const cleanups: Array<() => void> = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function appFor(rules: TokenRules): express.Express {
  const app = express();
  app.get('/me', createAuthenticate(rules), (req, res) => {
    res.json({ sub: callerId(req) });
  });
  const toProblem: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    if (error instanceof AppError) {
      res.set(error.headers ?? {});
      res.status(error.status).json({ title: error.title, detail: error.detail });
      return;
    }
    res.status(500).json({ title: 'Internal Server Error' });
  };
  app.use(toProblem);
  return app;
}

/** A signed-up user, the provider, its private key (read from DATA_DIR, to forge with) and an app. */
async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'pixtag-auth-'));
  const db = openDatabase(join(dir, 'pixtag.db'));
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const provider = await LocalIdentityProvider.open({ db, dataDir: dir, issuer: ISSUER });
  await provider.signUp('alice', 'correct horse battery');
  const { token } = await provider.signIn('alice', 'correct horse battery');
  const privateKey = createPrivateKey(readFileSync(join(dir, 'keys', 'signing-key.pem')));
  const kid = provider.publicJwks().keys[0]!.kid;
  const claims = decode(token);
  return { provider, token, claims, privateKey, kid, app: appFor(provider.tokenRules) };
}

function decode(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function rs256(header: object, claims: object, key: KeyObject): string {
  const input = `${part({ alg: 'RS256', typ: 'JWT', ...header })}.${part(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

async function expectInvalidToken(app: express.Express, token: string) {
  const response = await request(app).get('/me').set('Authorization', `Bearer ${token}`);
  expect(response.status).toBe(401);
  expect(response.headers['www-authenticate']).toBe('Bearer realm="pixtag", error="invalid_token"');
  expect(response.body).toMatchObject({ title: 'Unauthorized' });
  expect(response.body.sub).toBeUndefined();
}

describe('createAuthenticate', () => {
  it('when the token is valid, then the route sees its sub', async () => {
    const { app, token, claims } = await setup();

    const response = await request(app).get('/me').set('Authorization', `Bearer ${token}`);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ sub: claims.sub });
  });

  it('when no Authorization header is sent, then 401 with the plain Bearer challenge', async () => {
    const { app } = await setup();

    const response = await request(app).get('/me');

    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="pixtag"');
  });

  it('when another scheme is sent, then 401 as if there were no token', async () => {
    const { app } = await setup();

    const response = await request(app).get('/me').set('Authorization', 'Basic xyz');

    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="pixtag"');
  });

  it('when the token is not a JWT at all, then 401 invalid_token', async () => {
    const { app } = await setup();
    await expectInvalidToken(app, 'not-a-jwt');
  });

  it('when the token says alg none and has no signature, then 401 invalid_token', async () => {
    const { app, claims, kid } = await setup();
    await expectInvalidToken(app, `${part({ alg: 'none', typ: 'JWT', kid })}.${part(claims)}.`);
  });

  it('when the token is HS256 with the public key PEM as secret, then 401 invalid_token', async () => {
    const { app, claims, kid, privateKey } = await setup();
    const pem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' });
    const input = `${part({ alg: 'HS256', typ: 'JWT', kid })}.${part(claims)}`;
    const signature = createHmac('sha256', pem).update(input).digest('base64url');

    await expectInvalidToken(app, `${input}.${signature}`);
  });

  it('when the token has expired, then 401 invalid_token saying so', async () => {
    const { app, claims, kid, privateKey } = await setup();
    const now = Math.floor(Date.now() / 1000);
    const token = rs256({ kid }, { ...claims, iat: now - 7200, exp: now - 3600 }, privateKey);

    await expectInvalidToken(app, token);
    const response = await request(app).get('/me').set('Authorization', `Bearer ${token}`);
    expect(response.body.detail).toMatch(/expired/);
  });

  it('when the issuer is another, then 401 invalid_token', async () => {
    const { app, claims, kid, privateKey } = await setup();
    await expectInvalidToken(app, rs256({ kid }, { ...claims, iss: 'https://evil' }, privateKey));
  });

  it('when the audience is another, then 401 invalid_token', async () => {
    const { app, claims, kid, privateKey } = await setup();
    await expectInvalidToken(app, rs256({ kid }, { ...claims, aud: 'other-app' }, privateKey));
  });

  it('when the payload is changed and the signature kept, then 401 invalid_token', async () => {
    const { app, token, claims } = await setup();
    const [header, , signature] = token.split('.');
    const tampered = `${header}.${part({ ...claims, sub: 'someone-else' })}.${signature}`;

    await expectInvalidToken(app, tampered);
  });

  it('when the kid is unknown or missing, then 401 invalid_token', async () => {
    const { app, claims, privateKey } = await setup();
    await expectInvalidToken(app, rs256({ kid: 'no-such-key' }, claims, privateKey));
    await expectInvalidToken(app, rs256({}, claims, privateKey));
  });

  it('when many tokens carry made-up kids, then they get 401 and real tokens keep working', async () => {
    const { app, token, claims, privateKey } = await setup();
    for (let i = 0; i < 25; i += 1) {
      await expectInvalidToken(app, rs256({ kid: `made-up-${i}` }, claims, privateKey));
    }
    await request(app).get('/me').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('when another RSA key signs with the real kid, then 401 invalid_token', async () => {
    const { app, claims, kid } = await setup();
    const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

    await expectInvalidToken(app, rs256({ kid }, claims, otherKey));
  });

  it('when token_use is missing or the sub is empty, then 401 invalid_token', async () => {
    const { app, claims, kid, privateKey } = await setup();
    const withoutTokenUse = { ...claims };
    delete withoutTokenUse.token_use;

    await expectInvalidToken(app, rs256({ kid }, withoutTokenUse, privateKey));
    await expectInvalidToken(app, rs256({ kid }, { ...claims, token_use: 'access' }, privateKey));
    await expectInvalidToken(app, rs256({ kid }, { ...claims, sub: '' }, privateKey));
  });

  it('when the signed payload is not a JSON object, then 401 invalid_token', async () => {
    const { app, kid, privateKey } = await setup();
    const input = `${part({ alg: 'RS256', typ: 'JWT', kid })}.${Buffer.from('"alice"').toString('base64url')}`;
    const signature = sign('sha256', Buffer.from(input), privateKey).toString('base64url');

    await expectInvalidToken(app, `${input}.${signature}`);
  });

  it('when many requests carry tokens of one key, then the key is fetched and parsed once', async () => {
    const { provider, token } = await setup();
    const rules = provider.tokenRules;
    if (!('keys' in rules.jwks)) throw new Error('local rules hand keys over in-process');
    const keys = rules.jwks.keys;
    let calls = 0;
    const app = appFor({
      ...rules,
      jwks: {
        keys: () => {
          calls += 1;
          return keys();
        },
      },
    });

    for (let i = 0; i < 20; i += 1) {
      const response = await request(app).get('/me').set('Authorization', `Bearer ${token}`);
      expect(response.status).toBe(200);
    }

    expect(calls).toBe(1);
  });

  it('when the JWKS cannot be fetched, then 503 rather than 401 or 500', async () => {
    const { provider, token } = await setup();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const app = appFor({
      ...provider.tokenRules,
      jwks: { uri: `http://127.0.0.1:${port}/.well-known/jwks.json` },
    });

    const response = await request(app).get('/me').set('Authorization', `Bearer ${token}`);

    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      title: 'Service Unavailable',
      detail: 'Sign-in service unavailable.',
    });
  });

  it('when a valid token has been accepted, then every altered token is still refused', async () => {
    const { app, token, claims, kid, privateKey } = await setup();
    await request(app).get('/me').set('Authorization', `Bearer ${token}`).expect(200);
    const now = Math.floor(Date.now() / 1000);
    const [header, payload, signature] = token.split('.');
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const pem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' });
    const hs256Input = `${part({ alg: 'HS256', typ: 'JWT', kid })}.${payload}`;

    for (const altered of [
      `${header}.${payload}.${signature}x`,
      `${header}.${part({ ...claims, sub: 'someone-else' })}.${signature}`,
      `${part({ alg: 'none', typ: 'JWT', kid })}.${payload}.`,
      `${hs256Input}.${createHmac('sha256', pem).update(hs256Input).digest('base64url')}`,
      rs256({ kid }, { ...claims, iss: 'https://evil' }, privateKey),
      rs256({ kid }, { ...claims, aud: 'other-app' }, privateKey),
      rs256({ kid }, { ...claims, iat: now - 7200, exp: now - 3600 }, privateKey),
      rs256({ kid: 'no-such-key' }, claims, privateKey),
      rs256({ kid }, { ...claims, token_use: 'access' }, privateKey),
      rs256({ kid }, claims, otherKey),
    ]) {
      await expectInvalidToken(app, altered);
    }
    await request(app).get('/me').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('when an accepted token reaches its exp, then it is refused as expired', async () => {
    const { app, claims, kid, privateKey } = await setup();
    const start = Date.now();
    const exp = Math.floor(start / 1000) + 60;
    const token = rs256({ kid }, { ...claims, exp }, privateKey);
    vi.useFakeTimers({ toFake: ['Date'], now: start });
    try {
      await request(app).get('/me').set('Authorization', `Bearer ${token}`).expect(200);
      vi.setSystemTime(exp * 1000 - 1);
      await request(app).get('/me').set('Authorization', `Bearer ${token}`).expect(200);
      vi.setSystemTime(exp * 1000);

      const response = await request(app).get('/me').set('Authorization', `Bearer ${token}`);

      expect(response.status).toBe(401);
      expect(response.body.detail).toMatch(/expired/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('when callerId is used without the middleware, then it throws', () => {
    expect(() => callerId({} as express.Request)).toThrow(/authenticate/);
  });
});
