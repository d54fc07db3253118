// The behaviour every IdentityProvider adapter must have, checked through the same token
// verification the app uses (http/authenticate.ts) on a tiny Express app. Each test sets up its
// own provider and makes its own users.
import { randomUUID } from 'node:crypto';
import express from 'express';
import type { ErrorRequestHandler } from 'express';
import type { Request as JwtRequest } from 'express-jwt';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  CredentialsRejected,
  IncorrectCredentials,
  UsernameTaken,
  type DomainError,
} from '../../src/domain/errors.js';
import { AppError } from '../../src/http/http-error.js';
import { toHttpError } from '../../src/http/problem.js';
import { callerId, createAuthenticate } from '../../src/http/authenticate.js';
import type { IdentityProvider, TokenRules } from '../../src/identity/identity-provider.js';

export interface IdentityHarness {
  identity: IdentityProvider;
  close(): Promise<void>;
}

/** GET /me behind createAuthenticate(rules): answers the caller's sub and the verified claims. */
export function protectedApp(rules: TokenRules): express.Express {
  const app = express();
  app.get('/me', createAuthenticate(rules), (req, res) => {
    res.json({ sub: callerId(req), claims: (req as JwtRequest).auth });
  });
  const toProblem: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    if (error instanceof AppError) {
      res.status(error.status).json({ title: error.title, detail: error.detail });
      return;
    }
    res.status(500).json({ title: 'Internal Server Error' });
  };
  app.use(toProblem);
  return app;
}

export const newUsername = () => `user-${randomUUID().slice(0, 8)}`;
export const PASSWORD = 'correct horse battery';

/**
 * What `call` throws, which must be a `type`, as the HTTP answer it stands for (toHttpError);
 * a failure when it does not throw.
 */
export async function failureOf(
  type: abstract new (...args: never[]) => DomainError,
  call: () => Promise<unknown>,
): Promise<AppError> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    const answer = toHttpError(error);
    expect(answer).toBeInstanceOf(AppError);
    return answer as AppError;
  }
  throw new Error('expected the call to fail');
}

/** The same token with one byte of its signature changed. */
export function withTamperedSignature(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const bytes = Buffer.from(signature, 'base64url');
  const middle = bytes.length >> 1;
  bytes[middle] = bytes[middle]! ^ 0x01;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}

export function identityProviderContract(name: string, setup: () => Promise<IdentityHarness>) {
  async function withIdentity(test: (identity: IdentityProvider) => Promise<void>): Promise<void> {
    const harness = await setup();
    try {
      await test(harness.identity);
    } finally {
      await harness.close();
    }
  }

  const me = (app: express.Express, token: string) =>
    request(app).get('/me').set('Authorization', `Bearer ${token}`);

  describe(`IdentityProvider (${name})`, () => {
    it('when a user signs up and signs in, then the app accepts the Bearer token and sees a user id', () =>
      withIdentity(async (identity) => {
        const username = newUsername();
        await identity.signUp(username, PASSWORD);
        const session = await identity.signIn(username, PASSWORD);

        expect(session.tokenType).toBe('Bearer');
        expect(session.token.split('.')).toHaveLength(3);
        const response = await me(protectedApp(identity.tokenRules), session.token);
        expect(response.status).toBe(200);
        expect(response.body.sub).toEqual(expect.any(String));
        expect(response.body.sub).not.toBe('');
        expect(response.body.claims.iss).toBe(identity.tokenRules.issuer);
      }));

    it('when a user signs in, then expiresIn is a positive whole number of seconds, at most a day', () =>
      withIdentity(async (identity) => {
        const username = newUsername();
        await identity.signUp(username, PASSWORD);
        const { expiresIn } = await identity.signIn(username, PASSWORD);
        expect(Number.isInteger(expiresIn)).toBe(true);
        expect(expiresIn).toBeGreaterThan(0);
        expect(expiresIn).toBeLessThanOrEqual(24 * 3600);
      }));

    it('when the same user signs in twice, then the app sees the same sub, and another user a different one', () =>
      withIdentity(async (identity) => {
        const app = protectedApp(identity.tokenRules);
        const [alice, bob] = [newUsername(), newUsername()];
        await identity.signUp(alice, PASSWORD);
        await identity.signUp(bob, PASSWORD);
        const subOf = async (username: string) => {
          const response = await me(app, (await identity.signIn(username, PASSWORD)).token);
          expect(response.status).toBe(200);
          return response.body.sub as string;
        };

        const first = await subOf(alice);
        expect(await subOf(alice)).toBe(first);
        expect(await subOf(bob)).not.toBe(first);
      }));

    it('when the username is taken, then signUp fails with a 409 and the first account keeps its password', () =>
      withIdentity(async (identity) => {
        const username = newUsername();
        await identity.signUp(username, PASSWORD);

        const failure = await failureOf(UsernameTaken, () =>
          identity.signUp(username, 'another password'),
        );
        expect(failure.status).toBe(409);
        await expect(identity.signIn(username, PASSWORD)).resolves.toMatchObject({
          tokenType: 'Bearer',
        });
        expect(
          (
            await failureOf(IncorrectCredentials, () =>
              identity.signIn(username, 'another password'),
            )
          ).status,
        ).toBe(401);
      }));

    it('when the password is wrong or the user unknown, then both fail with the same 401', () =>
      withIdentity(async (identity) => {
        const username = newUsername();
        await identity.signUp(username, PASSWORD);

        const wrongPassword = await failureOf(IncorrectCredentials, () =>
          identity.signIn(username, 'not the password'),
        );
        const unknownUser = await failureOf(IncorrectCredentials, () =>
          identity.signIn(newUsername(), PASSWORD),
        );
        expect(wrongPassword.status).toBe(401);
        expect(unknownUser.status).toBe(401);
        expect(unknownUser.title).toBe(wrongPassword.title);
        expect(unknownUser.detail).toBe(wrongPassword.detail);
      }));

    it('when the password is shorter than 8 characters, then signUp fails with a 400 and makes no account', () =>
      withIdentity(async (identity) => {
        const username = newUsername();

        const failure = await failureOf(CredentialsRejected, () =>
          identity.signUp(username, 'short'),
        );
        expect(failure.status).toBe(400);
        expect(failure.detail).toMatch(/password/i);
        expect(
          (await failureOf(IncorrectCredentials, () => identity.signIn(username, 'short'))).status,
        ).toBe(401);
        await identity.signUp(username, PASSWORD);
      }));

    it("when one byte of the token's signature is changed, then the app answers 401", () =>
      withIdentity(async (identity) => {
        const username = newUsername();
        await identity.signUp(username, PASSWORD);
        const { token } = await identity.signIn(username, PASSWORD);
        const app = protectedApp(identity.tokenRules);

        const tampered = await me(app, withTamperedSignature(token));
        expect(tampered.status).toBe(401);
        expect(tampered.body.sub).toBeUndefined();
        expect((await me(app, token)).status).toBe(200);
      }));
  });
}
