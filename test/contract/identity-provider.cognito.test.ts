// The IdentityProvider contract for Cognito, against a real cognito-local whose PreSignUp trigger
// is the real src/identity/pre-sign-up.ts; then what only Cognito has (ID token claims, app
// clients, unconfirmed users); then the failures cognito-local cannot produce (throttling,
// outages, AWS's own error shapes), from a scripted server speaking Cognito's JSON protocol.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AccountNotReady,
  CredentialsRejected,
  DomainError,
  IdentityUnavailable,
  IncorrectCredentials,
  TooManyAttempts,
} from '../../src/domain/errors.js';
import { toHttpError } from '../../src/http/problem.js';
import { CognitoIdentityProvider } from '../../src/identity/cognito.js';
import { startCognitoLocal, type CognitoLocal } from '../support/cognito-local.js';
import {
  PASSWORD,
  failureOf,
  identityProviderContract,
  newUsername,
  protectedApp,
} from './identity-provider.contract.js';

let cognito: CognitoLocal;

beforeAll(async () => {
  cognito = await startCognitoLocal();
});

afterAll(async () => {
  await cognito?.stop();
});

/** A provider on its own new pool of the shared emulator, so tests share no users. */
async function providerOnNewPool(options: { preSignUp?: boolean } = {}) {
  const pool = await cognito.createPool(options);
  const identity = new CognitoIdentityProvider({
    endpoint: cognito.endpoint,
    region: cognito.region,
    ...pool,
  });
  return { identity, ...pool };
}

identityProviderContract('Cognito via cognito-local', async () => ({
  identity: (await providerOnNewPool()).identity,
  close: async () => undefined,
}));

describe('CognitoIdentityProvider against cognito-local', () => {
  it('when a user signs in, then the app sees an ID token for this client from <endpoint>/<pool id>', async () => {
    const { identity, userPoolId, clientId } = await providerOnNewPool();
    const username = newUsername();
    await identity.signUp(username, PASSWORD);
    const { token } = await identity.signIn(username, PASSWORD);

    const response = await request(protectedApp(identity.tokenRules))
      .get('/me')
      .set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(response.body.claims).toMatchObject({
      token_use: 'id',
      aud: clientId,
      iss: `${cognito.endpoint}/${userPoolId}`,
      'cognito:username': username,
    });
  });

  it('when a user signs up, then the PreSignUp trigger runs once and confirms the account', async () => {
    const { identity } = await providerOnNewPool();
    const before = cognito.preSignUpCalls();
    const username = newUsername();
    await identity.signUp(username, PASSWORD);
    expect(cognito.preSignUpCalls()).toBe(before + 1);
    await expect(identity.signIn(username, PASSWORD)).resolves.toMatchObject({
      tokenType: 'Bearer',
    });
  });

  it('when the pool has no PreSignUp trigger, then a new account cannot sign in: 403 not confirmed', async () => {
    const { identity } = await providerOnNewPool({ preSignUp: false });
    const username = newUsername();
    await identity.signUp(username, PASSWORD);

    const failure = await failureOf(AccountNotReady, () => identity.signIn(username, PASSWORD));
    expect(failure.status).toBe(403);
    expect(failure.detail).toMatch(/not confirmed/);
  });

  it('when the token was issued to another app client of the same pool, then the app answers 401', async () => {
    const { identity, userPoolId } = await providerOnNewPool();
    const other = new CognitoIdentityProvider({
      endpoint: cognito.endpoint,
      region: cognito.region,
      userPoolId,
      clientId: await cognito.createClient(userPoolId),
    });
    const username = newUsername();
    await identity.signUp(username, PASSWORD);
    const { token } = await other.signIn(username, PASSWORD);

    const app = protectedApp(identity.tokenRules);
    expect((await request(app).get('/me').set('Authorization', `Bearer ${token}`)).status).toBe(
      401,
    );
    const own = (await identity.signIn(username, PASSWORD)).token;
    expect((await request(app).get('/me').set('Authorization', `Bearer ${own}`)).status).toBe(200);
  });
});

describe('CognitoIdentityProvider token rules', () => {
  it("when no endpoint is set, then tokens must come from AWS's issuer, keys from its JWKS", () => {
    const identity = new CognitoIdentityProvider({
      userPoolId: 'eu-west-1_AbC123',
      clientId: 'client-1',
      region: 'eu-west-1',
    });
    expect(identity.tokenRules).toEqual({
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
      audience: 'client-1',
      requiredClaims: { token_use: 'id' },
      jwks: {
        uri: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json',
      },
    });
    expect('publicJwks' in identity).toBe(false);
  });
});

// --- what cognito-local cannot say ----------------------------------------------------------

interface Answer {
  status: number;
  body: string;
  /** Never answer at all. */
  hang?: boolean;
}

interface Scripted {
  endpoint: string;
  requests: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[];
  answer(answer: Answer): void;
  close(): Promise<void>;
}

async function scriptedCognito(): Promise<Scripted> {
  let next: Answer = { status: 500, body: '{}' };
  const requests: Scripted['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) });
      if (next.hang) return;
      const json = next.body.startsWith('{');
      res.writeHead(next.status, {
        'Content-Type': json ? 'application/x-amz-json-1.1' : 'text/html',
      });
      res.end(next.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answer: (answer) => void (next = answer),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

const cognitoError = (type: string, message: string, status = 400): Answer => ({
  status,
  body: JSON.stringify({ __type: type, message }),
});

describe('CognitoIdentityProvider when Cognito refuses or fails', () => {
  let scripted: Scripted;
  let identity: CognitoIdentityProvider;

  beforeAll(async () => {
    scripted = await scriptedCognito();
    identity = new CognitoIdentityProvider(
      {
        endpoint: scripted.endpoint,
        region: 'eu-west-1',
        userPoolId: 'eu-west-1_Scripted1',
        clientId: 'scripted-client',
      },
      { timeoutMs: 300 },
    );
  });
  afterEach(() => void scripted.requests.splice(0));
  afterAll(() => scripted.close());

  it('when Cognito answers with tokens, then the session is the ID token and expiresIn runs to its exp', async () => {
    const now = Math.floor(Date.now() / 1000);
    const idToken = [
      { alg: 'RS256', kid: 'k' },
      { sub: 'u-1', iat: now, exp: now + 600 },
    ]
      .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
      .concat('c2ln')
      .join('.');
    scripted.answer({
      status: 200,
      body: JSON.stringify({
        AuthenticationResult: { IdToken: idToken, AccessToken: 'access', ExpiresIn: 3600 },
      }),
    });

    const session = await identity.signIn('alice', PASSWORD);
    expect(session).toMatchObject({ token: idToken, tokenType: 'Bearer' });
    expect(session.expiresIn).toBeGreaterThanOrEqual(598);
    expect(session.expiresIn).toBeLessThanOrEqual(600);
    expect(scripted.requests[0]!.headers['x-amz-target']).toBe(
      'AWSCognitoIdentityProviderService.InitiateAuth',
    );
    expect(scripted.requests[0]!.body).toMatchObject({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: 'scripted-client',
      AuthParameters: { USERNAME: 'alice', PASSWORD },
    });
  });

  it('when AWS says UserNotFoundException or NotAuthorizedException, then the same 401', async () => {
    scripted.answer(cognitoError('UserNotFoundException', 'User does not exist.'));
    const unknown = await failureOf(IncorrectCredentials, () =>
      identity.signIn('nobody', PASSWORD),
    );
    scripted.answer(cognitoError('NotAuthorizedException', 'Incorrect username or password.'));
    const wrong = await failureOf(IncorrectCredentials, () =>
      identity.signIn('alice', 'wrong password'),
    );
    expect([unknown.status, unknown.title, unknown.detail]).toEqual([
      wrong.status,
      wrong.title,
      wrong.detail,
    ]);
    expect(wrong.status).toBe(401);
  });

  it("when the pool's password policy refuses the password, then 400 naming the rule", async () => {
    scripted.answer(
      cognitoError(
        'InvalidPasswordException',
        'Password did not conform with policy: Password must have uppercase characters',
      ),
    );
    const failure = await failureOf(CredentialsRejected, () => identity.signUp('alice', PASSWORD));
    expect(failure.status).toBe(400);
    expect(failure.detail).toContain('Password must have uppercase characters');
    expect(failure.errors).toEqual([{ path: 'password', message: expect.any(String) }]);
  });

  it('when Cognito throttles or locks out after failed attempts, then 429 with Retry-After', async () => {
    for (const [type, message] of [
      ['TooManyRequestsException', 'Too many requests'],
      ['LimitExceededException', 'Attempt limit exceeded, please try after some time.'],
      ['NotAuthorizedException', 'Password attempts exceeded'],
    ] as const) {
      scripted.answer(cognitoError(type, message));
      const failure = await failureOf(TooManyAttempts, () => identity.signIn('alice', PASSWORD));
      expect(failure.status, type).toBe(429);
      expect(Number(failure.headers?.['Retry-After'])).toBeGreaterThan(0);
    }
    scripted.answer(cognitoError('TooManyRequestsException', 'Too many requests'));
    expect(
      (await failureOf(TooManyAttempts, () => identity.signUp('alice', PASSWORD))).status,
    ).toBe(429);
  });

  it('when Cognito fails, answers garbage or nothing, then 503 "Sign-in service unavailable"', async () => {
    for (const answer of [
      cognitoError('InternalErrorException', 'Internal error', 500),
      { status: 502, body: '<html>Bad Gateway</html>' },
      { status: 200, body: '', hang: true },
    ]) {
      scripted.answer(answer);
      for (const call of [
        () => identity.signIn('alice', PASSWORD),
        () => identity.signUp('alice', PASSWORD),
      ]) {
        const failure = await failureOf(IdentityUnavailable, call);
        expect(failure.status, answer.body).toBe(503);
        expect(failure.detail).toBe('Sign-in service unavailable.');
      }
    }
  });

  it('when nothing listens at the endpoint, then 503', async () => {
    const closed = await scriptedCognito();
    await closed.close();
    const unreachable = new CognitoIdentityProvider({
      endpoint: closed.endpoint,
      region: 'eu-west-1',
      userPoolId: 'eu-west-1_Scripted1',
      clientId: 'scripted-client',
    });
    expect(
      (await failureOf(IdentityUnavailable, () => unreachable.signIn('alice', PASSWORD))).status,
    ).toBe(503);
  });

  it('when Cognito asks for a new password or MFA, then 403 and no session', async () => {
    for (const challenge of ['NEW_PASSWORD_REQUIRED', 'SOFTWARE_TOKEN_MFA']) {
      scripted.answer({
        status: 200,
        body: JSON.stringify({ ChallengeName: challenge, ChallengeParameters: {}, Session: 's' }),
      });
      const failure = await failureOf(AccountNotReady, () => identity.signIn('alice', PASSWORD));
      expect(failure.status, challenge).toBe(403);
    }
  });

  it('when the pool or client is misconfigured, then a plain error (a 500), not a client error', async () => {
    scripted.answer(cognitoError('ResourceNotFoundException', 'User pool client does not exist.'));
    const error = await identity.signIn('alice', PASSWORD).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(DomainError);
    expect(toHttpError(error)).toBeUndefined();
    expect(String(error)).toContain('ResourceNotFoundException');
  });
});
