import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSign,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/local-app.js';

const b64 = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function signRs256(header: object, payload: object, key: KeyObject) {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
}

describe('sign-up, sign-in and tokens', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('when a user signs up and signs in, then a Bearer token for one hour is returned', async () => {
    await app.http
      .post('/signup')
      .send({ username: 'ada.l@example', password: 'analytical' })
      .expect(201, { message: 'Created' });
    const res = await app.http
      .post('/signin')
      .send({ username: 'ada.l@example', password: 'analytical' })
      .expect(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600 });
    const claims = JSON.parse(Buffer.from(res.body.token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ iss: 'http://pixtag.test', aud: 'pixtag', token_use: 'id' });
    expect(typeof claims.sub).toBe('string');
    await app.http.get('/images').set('Authorization', `Bearer ${res.body.token}`).expect(200);
  });

  it('when the username is taken (in any case), then 409', async () => {
    await app.http.post('/signup').send({ username: 'grace', password: 'compiler1' }).expect(201);
    const res = await app.http
      .post('/signup')
      .send({ username: 'GRACE', password: 'compiler2' })
      .expect(409);
    expect(res.body.status).toBe(409);
  });

  it('when the password is wrong or the user unknown, then the same 401', async () => {
    await app.http.post('/signup').send({ username: 'linus', password: 'penguins!' }).expect(201);
    const wrong = await app.http
      .post('/signin')
      .send({ username: 'linus', password: 'penguins?' })
      .expect(401);
    const unknown = await app.http
      .post('/signin')
      .send({ username: 'nobody-here', password: 'penguins?' })
      .expect(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('when sign-ins keep failing for one user, then 429 with Retry-After, and others are not blocked', async () => {
    await app.http
      .post('/signup')
      .send({ username: 'target', password: 'right-password' })
      .expect(201);
    let last: Awaited<ReturnType<TestApp['http']['get']>> | undefined;
    for (let i = 0; i < 6; i += 1) {
      last = await app.http
        .post('/signin')
        .send({ username: 'target', password: `wrong-${i}-pass` });
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(last!.body.status).toBe(429);
    const other = await app.newUser();
    expect(other.token).toBeTruthy();
  });

  it.each([
    ['no body', undefined],
    ['an array', [1, 2]],
    ['a short username', { username: 'ab', password: 'long enough' }],
    ['a long username', { username: 'a'.repeat(129), password: 'long enough' }],
    ['a username with spaces', { username: 'a b c', password: 'long enough' }],
    ['a username with unicode', { username: 'zoë😀', password: 'long enough' }],
    ['a short password', { username: 'someone', password: 'short' }],
    ['a long password', { username: 'someone', password: 'p'.repeat(257) }],
    ['a numeric password', { username: 'someone', password: 12345678 }],
    ['a missing password', { username: 'someone' }],
    ['an extra field', { username: 'someone', password: 'long enough', admin: true }],
  ])('when sign-up gets %s, then 400 with errors and nothing is created', async (_name, body) => {
    const res = await app.http.post('/signup').send(body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    const signin = await app.http.post('/signin').send(body);
    expect(signin.status).toBeGreaterThanOrEqual(400);
    expect(signin.status).toBeLessThan(500);
  });

  it('when a field is wrong, then errors name it', async () => {
    const res = await app.http
      .post('/signup')
      .send({ username: 'ab', password: 'short' })
      .expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'password',
      'username',
    ]);
  });

  describe('forged tokens', () => {
    let good: string;
    let claims: Record<string, unknown>;
    let header: Record<string, unknown>;
    let privateKey: KeyObject;

    beforeAll(async () => {
      good = (await app.newUser()).token;
      header = JSON.parse(Buffer.from(good.split('.')[0]!, 'base64url').toString());
      claims = JSON.parse(Buffer.from(good.split('.')[1]!, 'base64url').toString());
      privateKey = createPrivateKey(readFileSync(join(app.dataDir, 'keys', 'signing-key.pem')));
    });

    const forgeries: Array<[string, () => string]> = [
      ['alg none', () => `${b64({ ...header, alg: 'none' })}.${b64(claims)}.`],
      [
        'expired',
        () => signRs256(header, { ...claims, exp: Math.floor(Date.now() / 1000) - 10 }, privateKey),
      ],
      [
        'wrong issuer',
        () => signRs256(header, { ...claims, iss: 'https://evil.example' }, privateKey),
      ],
      ['wrong audience', () => signRs256(header, { ...claims, aud: 'someone-else' }, privateKey)],
      [
        'tampered payload',
        () => {
          const [h, , s] = good.split('.');
          return `${h}.${b64({ ...claims, sub: 'another-user' })}.${s}`;
        },
      ],
      ['unknown kid', () => signRs256({ ...header, kid: 'not-a-key' }, claims, privateKey)],
      [
        'another key with the same kid',
        () => {
          const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
          return signRs256(header, claims, other);
        },
      ],
      [
        'HS256 signed with the public key',
        () => {
          const input = `${b64({ ...header, alg: 'HS256' })}.${b64(claims)}`;
          const pem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' });
          return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
        },
      ],
      ['garbage', () => 'not.a.jwt'],
    ];

    it.each(forgeries)(
      'when the token is forged (%s), then 401 invalid_token',
      async (_name, make) => {
        const res = await app.http.get('/images').set('Authorization', `Bearer ${make()}`);
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toBe(
          'Bearer realm="pixtag", error="invalid_token"',
        );
        expect(res.body.status).toBe(401);
      },
    );

    it('when the unchanged token is used, then it is accepted (the forgeries fail for their fault)', async () => {
      await app.http.get('/images').set('Authorization', `Bearer ${good}`).expect(200);
      const resigned = signRs256(header, claims, privateKey);
      await app.http.get('/images').set('Authorization', `Bearer ${resigned}`).expect(200);
    });
  });
});
