import express from 'express';
import type { ErrorRequestHandler } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { AppError, badRequest, unauthorized } from '../../src/http/http-error.js';
import { createSignInRateLimit } from '../../src/http/signin-rate-limit.js';

const MAX_FAILURES = 3;

/** POST /signin succeeds for the password "right", answers 401 otherwise, 400 without a username. */
function signInApp(): express.Express {
  const app = express();
  // Lets a test pose as other clients through X-Forwarded-For, as behind a real proxy.
  app.set('trust proxy', 'loopback');
  app.use(express.json());
  app.post(
    '/signin',
    createSignInRateLimit({ windowMs: 60_000, maxFailures: MAX_FAILURES }),
    (req, res, next) => {
      const { username, password } = req.body as { username?: unknown; password?: unknown };
      if (typeof username !== 'string') return next(badRequest('username is required'));
      if (password !== 'right') return next(unauthorized('Incorrect username or password.'));
      res.json({ token: 't' });
    },
  );
  const toProblem: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    if (!(error instanceof AppError)) throw error;
    res.set(error.headers ?? {});
    res.status(error.status).json({ title: error.title, detail: error.detail });
  };
  app.use(toProblem);
  return app;
}

function signIn(app: express.Express, username: string, password: string, ip = '198.51.100.7') {
  return request(app).post('/signin').set('X-Forwarded-For', ip).send({ username, password });
}

async function fail(app: express.Express, username: string, times: number, ip?: string) {
  for (let i = 0; i < times; i += 1) {
    expect((await signIn(app, username, 'wrong', ip)).status).toBe(401);
  }
}

describe('createSignInRateLimit', () => {
  it('when one client fails too often for one username, then 429 with Retry-After, even for the right password', async () => {
    const app = signInApp();
    await fail(app, 'alice', MAX_FAILURES);

    const blocked = await signIn(app, 'alice', 'right');

    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ title: 'Too Many Requests' });
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(blocked.headers['ratelimit-policy']).toMatch(/q=3; w=60/);
    expect(blocked.headers['x-ratelimit-limit']).toBeUndefined();
    expect((await signIn(app, 'ALICE', 'wrong')).status).toBe(429);
  });

  it('when one username is blocked, then another username from the same address is not', async () => {
    const app = signInApp();
    await fail(app, 'alice', MAX_FAILURES);

    expect((await signIn(app, 'bob', 'wrong')).status).toBe(401);
    expect((await signIn(app, 'bob', 'right')).status).toBe(200);
  });

  it('when one address is blocked for a username, then that user from another address is not', async () => {
    const app = signInApp();
    await fail(app, 'alice', MAX_FAILURES, '198.51.100.7');

    expect((await signIn(app, 'alice', 'right', '203.0.113.9')).status).toBe(200);
  });

  it('when IPv6 addresses share a /56, then they share one count', async () => {
    const app = signInApp();
    await fail(app, 'alice', MAX_FAILURES, '2001:db8:1:200::10');

    expect((await signIn(app, 'alice', 'right', '2001:db8:1:2ff::99')).status).toBe(429);
    expect((await signIn(app, 'alice', 'right', '2001:db8:1:300::10')).status).toBe(200);
  });

  it('when sign-ins succeed, then they do not count towards the limit', async () => {
    const app = signInApp();
    for (let i = 0; i < MAX_FAILURES * 3; i += 1) {
      expect((await signIn(app, 'carol', 'right')).status).toBe(200);
    }

    await fail(app, 'carol', MAX_FAILURES);
    expect((await signIn(app, 'carol', 'wrong')).status).toBe(429);
  });

  it('when requests are refused as malformed, then they do not count as failed sign-ins', async () => {
    const app = signInApp();
    for (let i = 0; i < MAX_FAILURES * 2; i += 1) {
      const response = await request(app)
        .post('/signin')
        .set('X-Forwarded-For', '198.51.100.7')
        .send({ password: 'wrong' });
      expect(response.status).toBe(400);
    }

    await fail(app, '', MAX_FAILURES);
  });
});
