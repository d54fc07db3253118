import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/local-app.js';

describe('the API around the routes', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ CORS_ORIGIN: '*' });
  });
  afterAll(() => app.close());

  it('when /health is asked, then it answers ok without a token', async () => {
    const res = await app.http.get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('when a route does not exist, then 404 problem details', async () => {
    const res = await app.http.get('/nope').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404 });
    expect(res.body.detail).toContain('/nope');
  });

  it('when a known route gets another method, then 405 with Allow', async () => {
    const res = await app.http.patch('/images').expect(405);
    expect(res.headers.allow).toContain('GET');
    expect(res.headers.allow).toContain('POST');
    expect(res.body.status).toBe(405);
  });

  it('when a 401 is answered, then it carries CORS headers and exposes WWW-Authenticate', async () => {
    const res = await app.http.get('/images').set('Origin', 'https://app.example').expect(401);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-expose-headers']).toContain('WWW-Authenticate');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="pixtag"');
  });

  it('when a browser sends a preflight, then 204 with the allowed methods and headers', async () => {
    const res = await app.http
      .options('/images')
      .set('Origin', 'https://app.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type')
      .expect(204);
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-headers']).toContain('authorization');
  });

  it('when the client sends X-Request-Id, then it is echoed; otherwise one is made', async () => {
    const echoed = await app.http.get('/health').set('X-Request-Id', 'trace-42').expect(200);
    expect(echoed.headers['x-request-id']).toBe('trace-42');
    const made = await app.http.get('/nope').expect(404);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const insane = await app.http.get('/health').set('X-Request-Id', 'x'.repeat(500)).expect(200);
    expect(insane.headers['x-request-id']).not.toBe('x'.repeat(500));
  });

  it('when the body is malformed JSON, then 400; when over 16 KiB, then 413', async () => {
    const bad = await app.http
      .post('/signup')
      .set('Content-Type', 'application/json')
      .send('{"username":')
      .expect(400);
    expect(bad.body.detail).toMatch(/JSON/);
    const big = await app.http
      .post('/signup')
      .send({ username: 'someone', password: 'x'.repeat(17 * 1024) })
      .expect(413);
    expect(big.body.status).toBe(413);
  });

  it('when /openapi.json is asked, then it documents every route of the contract', async () => {
    const res = await app.http.get('/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths).sort()).toEqual(
      [
        '/docs',
        '/files/{key}',
        '/health',
        '/images',
        '/images/{id}',
        '/images/{id}/retag',
        '/images/{id}/tags/{tag}',
        '/images/tags',
        '/openapi.json',
        '/signin',
        '/signup',
        '/tags',
        '/tags/{tag}',
        '/tags/{tag}/images',
        '/vocabulary',
      ].sort(),
    );
    const create = res.body.paths['/images'].post.requestBody.content['application/json'].schema;
    expect(create.properties.contentType.enum).toEqual([
      'image/jpeg',
      'image/png',
      'image/webp',
      'image/gif',
    ]);
    expect(create.properties.size.maximum).toBe(10 * 1024 * 1024);
    expect(create.additionalProperties).toBe(false);
  });

  it('when the local issuer is asked for its JWKS, then it lists one RS256 signing key', async () => {
    const res = await app.http.get('/.well-known/jwks.json').expect(200);
    expect(res.body.keys).toHaveLength(1);
    expect(res.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(res.body.keys[0].d).toBeUndefined();
  });

  it('when any response is sent, then security headers are set', async () => {
    const res = await app.http.get('/health').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('CORS with a list of origins', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ CORS_ORIGIN: 'https://a.example,https://b.example' });
  });
  afterAll(() => app.close());

  it('when the origin is listed, then it is allowed; when not, then no allow header', async () => {
    const allowed = await app.http.get('/health').set('Origin', 'https://b.example').expect(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://b.example');
    const other = await app.http.get('/health').set('Origin', 'https://evil.example').expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
