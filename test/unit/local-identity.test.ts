import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/database.js';
import {
  CredentialsRejected,
  type DomainError,
  IncorrectCredentials,
  UsernameTaken,
} from '../../src/domain/errors.js';
import type { AppError } from '../../src/http/http-error.js';
import { toHttpError } from '../../src/http/problem.js';
import { LocalIdentityProvider } from '../../src/identity/local.js';

const ISSUER = 'http://localhost:3000';
const cleanups: Array<() => void> = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function tempDataDir(): { dir: string; db: Db } {
  const dir = mkdtempSync(join(tmpdir(), 'pixtag-identity-'));
  const db = openDatabase(join(dir, 'pixtag.db'));
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, db };
}

async function setup() {
  const { dir, db } = tempDataDir();
  const provider = await LocalIdentityProvider.open({ db, dataDir: dir, issuer: ISSUER });
  return { dir, db, provider };
}

function decodePart(part: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/** The promise's rejection, which must be a `type`, as the HTTP answer it stands for. */
async function rejection(
  type: abstract new (...args: never[]) => DomainError,
  promise: Promise<unknown>,
): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(type);
  return toHttpError(error)!;
}

describe('LocalIdentityProvider', () => {
  it('when a user signs up then signs in, then the token is an RS256 ID token with the right claims', async () => {
    const { db, provider } = await setup();
    await provider.signUp('Alice', 'correct horse battery');

    const before = Math.floor(Date.now() / 1000);
    const session = await provider.signIn('alice', 'correct horse battery');

    expect(session.tokenType).toBe('Bearer');
    expect(session.expiresIn).toBe(3600);
    const [headerPart, payloadPart, signaturePart] = session.token.split('.');
    const header = decodePart(headerPart);
    const claims = decodePart(payloadPart);
    const { keys } = provider.publicJwks();
    expect(keys).toHaveLength(1);
    const jwk = keys[0]!;
    expect(header).toMatchObject({ alg: 'RS256', kid: jwk.kid });
    const user = db.prepare('SELECT id FROM users').get() as { id: string };
    expect(claims).toMatchObject({
      iss: ISSUER,
      aud: 'pixtag',
      sub: user.id,
      username: 'Alice',
      token_use: 'id',
    });
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.exp).toBe((claims.iat as number) + 3600);
    expect(claims.jti).toEqual(expect.any(String));

    const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
    const signed = Buffer.from(`${headerPart}.${payloadPart}`);
    const signature = Buffer.from(signaturePart ?? '', 'base64url');
    expect(verify('sha256', signed, publicKey, signature)).toBe(true);
  });

  it('when the public JWKS is read, then it has only public members and an RFC 7638 kid', async () => {
    const { provider } = await setup();
    const jwk = provider.publicJwks().keys[0]!;

    expect(Object.keys(jwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    const canonical = `{"e":"${jwk.e}","kty":"RSA","n":"${jwk.n}"}`;
    expect(jwk.kid).toBe(createHash('sha256').update(canonical).digest('base64url'));
    expect(Buffer.from(jwk.n as string, 'base64url').length * 8).toBe(2048);
    const rules = provider.tokenRules;
    expect(rules).toMatchObject({
      issuer: ISSUER,
      audience: 'pixtag',
      requiredClaims: { token_use: 'id' },
    });
    expect('keys' in rules.jwks && (await rules.jwks.keys())).toEqual([jwk]);
  });

  it('when a username is taken, also in another case, then sign-up answers 409', async () => {
    const { provider } = await setup();
    await provider.signUp('bob', 'password-one');

    const same = await rejection(UsernameTaken, provider.signUp('bob', 'password-two'));
    const otherCase = await rejection(UsernameTaken, provider.signUp('BoB', 'password-two'));

    expect(same.status).toBe(409);
    expect(otherCase.status).toBe(409);
    expect(otherCase.title).toBe('Conflict');
  });

  it('when two sign-ups race for one username, then exactly one wins', async () => {
    const { db, provider } = await setup();

    const results = await Promise.allSettled([
      provider.signUp('carol', 'password-one'),
      provider.signUp('CAROL', 'password-two'),
    ]);

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const failure = results.find((result) => result.status === 'rejected');
    expect(failure?.reason).toBeInstanceOf(UsernameTaken);
    expect(toHttpError(failure?.reason)?.status).toBe(409);
    expect(db.prepare('SELECT COUNT(*) AS n FROM users').get()).toEqual({ n: 1 });
  });

  it('when the password is wrong or the user unknown, then both get the identical 401', async () => {
    const { provider } = await setup();
    await provider.signUp('dave', 'the right password');

    const wrongPassword = await rejection(
      IncorrectCredentials,
      provider.signIn('dave', 'the wrong password'),
    );
    const unknownUser = await rejection(
      IncorrectCredentials,
      provider.signIn('nobody', 'the right password'),
    );

    for (const error of [wrongPassword, unknownUser]) {
      expect(error.status).toBe(401);
      expect(error.title).toBe('Unauthorized');
      expect(error.detail).toBe('Incorrect username or password.');
    }
    expect(unknownUser.headers).toEqual(wrongPassword.headers);
  });

  it('when the user is unknown, then the answer takes as long as for a wrong password', async () => {
    const { provider } = await setup();
    await provider.signUp('dora', 'the right password');
    const median = async (attempt: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const start = performance.now();
        await attempt().catch(() => undefined);
        times.push(performance.now() - start);
      }
      return times.sort((a, b) => a - b)[2]!;
    };

    const wrongPassword = await median(() => provider.signIn('dora', 'the wrong password'));
    const unknownUser = await median(() => provider.signIn('nobody', 'the wrong password'));

    // Without the dummy hash an unknown user answers in well under a millisecond.
    expect(unknownUser).toBeGreaterThan(wrongPassword / 2);
    expect(unknownUser).toBeLessThan(wrongPassword * 2);
  });

  it('when the password is too short, then sign-up answers 400 and stores nothing', async () => {
    const { db, provider } = await setup();

    const error = await rejection(CredentialsRejected, provider.signUp('erin', 'short'));

    expect(error.status).toBe(400);
    expect(error.errors).toEqual([{ path: 'password', message: expect.any(String) }]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM users').get()).toEqual({ n: 0 });
  });

  it('when the provider opens twice on one data dir, then the key pair is reused and private', async () => {
    const { dir, db } = tempDataDir();
    const first = await LocalIdentityProvider.open({ db, dataDir: dir, issuer: ISSUER });
    await first.signUp('frank', 'password-one');
    const token = (await first.signIn('frank', 'password-one')).token;

    const second = await LocalIdentityProvider.open({ db, dataDir: dir, issuer: ISSUER });

    expect(second.publicJwks()).toEqual(first.publicJwks());
    const keysDir = join(dir, 'keys');
    expect(readdirSync(keysDir)).toEqual(['signing-key.pem']);
    expect(statSync(join(keysDir, 'signing-key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(keysDir).mode & 0o777).toBe(0o700);
    const [header] = token.split('.');
    expect(decodePart(header).kid).toBe(second.publicJwks().keys[0]!.kid);
  });

  it('when two providers start at once on a new data dir, then both use one key', async () => {
    const { dir, db } = tempDataDir();

    const [a, b] = await Promise.all([
      LocalIdentityProvider.open({ db, dataDir: dir, issuer: ISSUER }),
      LocalIdentityProvider.open({ db, dataDir: dir, issuer: ISSUER }),
    ]);

    expect(a.publicJwks()).toEqual(b.publicJwks());
    expect(readdirSync(join(dir, 'keys'))).toEqual(['signing-key.pem']);
  });

  it('when two users pick the same password, then the stored hashes are salted scrypt, not plaintext', async () => {
    const { db, provider } = await setup();
    const password = 'same password for both';
    await provider.signUp('gina', password);
    await provider.signUp('hank', password);

    const hashes = (
      db.prepare('SELECT password_hash FROM users ORDER BY username').all() as Array<{
        password_hash: string;
      }>
    ).map((row) => row.password_hash);

    expect(hashes).toHaveLength(2);
    expect(hashes[0]).not.toBe(hashes[1]);
    for (const hash of hashes) {
      expect(hash).not.toContain(password);
      expect(hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[\w-]{22}\$[\w-]+$/);
      const [, n, r, p] = hash.split('$').map(Number);
      expect(n).toBeGreaterThanOrEqual(16384);
      expect(r).toBeGreaterThanOrEqual(8);
      expect(p).toBeGreaterThanOrEqual(1);
    }
  });
});
