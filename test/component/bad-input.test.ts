// A table of client mistakes per route: each gets a 4xx problem, never a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/local-app.js';

describe('bad input never causes a 5xx', () => {
  let app: TestApp;
  let auth: { Authorization: string };
  let imageId: string;

  beforeAll(async () => {
    app = await startTestApp();
    auth = (await app.newUser()).auth;
    imageId = (
      await app.http
        .post('/images')
        .set(auth)
        .send({ contentType: 'image/png', size: 10 })
        .expect(201)
    ).body.image.id;
  });
  afterAll(() => app.close());

  const cases: Array<[string, string, string, unknown, number]> = [
    ['POST', '/images', 'no body', undefined, 400],
    ['POST', '/images', 'a string body', '"image"', 400],
    ['POST', '/images', 'an unknown content type', { contentType: 'image/tiff', size: 10 }, 400],
    ['POST', '/images', 'an svg', { contentType: 'image/svg+xml', size: 10 }, 400],
    ['POST', '/images', 'size zero', { contentType: 'image/png', size: 0 }, 400],
    ['POST', '/images', 'a negative size', { contentType: 'image/png', size: -5 }, 400],
    ['POST', '/images', 'a fractional size', { contentType: 'image/png', size: 1.5 }, 400],
    ['POST', '/images', 'a size as a string', { contentType: 'image/png', size: '10' }, 400],
    [
      'POST',
      '/images',
      'a size over the maximum',
      { contentType: 'image/png', size: 10 * 1024 * 1024 + 1 },
      400,
    ],
    ['POST', '/images', 'a huge size', { contentType: 'image/png', size: 1e308 }, 400],
    [
      'POST',
      '/images',
      'a filename with a slash',
      { contentType: 'image/png', size: 10, filename: '../etc/passwd' },
      400,
    ],
    [
      'POST',
      '/images',
      'a filename with a newline',
      { contentType: 'image/png', size: 10, filename: 'a\nb' },
      400,
    ],
    [
      'POST',
      '/images',
      'a filename with a right-to-left override',
      { contentType: 'image/png', size: 10, filename: 'photo\u202Egnp.exe' },
      400,
    ],
    [
      'POST',
      '/images',
      'a very long filename',
      { contentType: 'image/png', size: 10, filename: 'x'.repeat(300) },
      400,
    ],
    [
      'POST',
      '/images',
      'an extra field',
      { contentType: 'image/png', size: 10, owner: 'someone' },
      400,
    ],
    ['GET', '/images?limit=0', 'limit 0', undefined, 400],
    ['GET', '/images?limit=101', 'limit 101', undefined, 400],
    ['GET', '/images?limit=abc', 'limit not a number', undefined, 400],
    ['GET', '/images?limit=1&limit=2', 'limit twice', undefined, 400],
    ['GET', '/images?cursor=garbage', 'a garbage cursor', undefined, 400],
    [
      'GET',
      `/images?cursor=${Buffer.from('{"createdAt":5}').toString('base64url')}`,
      'a cursor of the wrong shape',
      undefined,
      400,
    ],
    ['GET', `/images?cursor=${'a'.repeat(600)}`, 'a huge cursor', undefined, 400],
    ['GET', `/images?tags=${'x'.repeat(101)}`, 'a too-long tag', undefined, 400],
    ['GET', '/images?tags=,,,', 'empty tags', undefined, 400],
    ['GET', '/images/not-a-uuid', 'a malformed id', undefined, 404],
    ['GET', '/images/%E0%A4%A', 'a broken percent-encoding', undefined, 400],
    ['DELETE', '/images/123', 'a malformed id', undefined, 404],
    ['POST', '/images/123/retag', 'a malformed id', undefined, 404],
    ['GET', '/tags?limit=1001', 'limit over 1000', undefined, 400],
    ['GET', '/tags?limit=-1', 'a negative limit', undefined, 400],
    ['GET', `/tags/${'x'.repeat(200)}/images`, 'a too-long tag', undefined, 400],
    ['GET', '/tags/%20/images', 'a blank tag', undefined, 400],
    ['GET', '/tags/person/images?cursor=%00', 'a NUL cursor', undefined, 400],
  ];

  it.each(cases)('when %s %s gets %s, then %i', async (method, path, _name, body, status) => {
    let req = app.http[method.toLowerCase() as 'get' | 'post' | 'delete'](path).set(auth);
    if (typeof body === 'string') req = req.set('Content-Type', 'application/json').send(body);
    else if (body !== undefined) req = req.send(body as object);
    const res = await req;
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.status).toBe(status);
    expect(typeof res.body.detail).toBe('string');
  });

  // A body that is not JSON at all is the wrong media type (415), not a wrong value (400).
  const notJson: Array<[string, string, string | undefined, string]> = [
    ['/images', 'a form', 'application/x-www-form-urlencoded', 'contentType=image%2Fpng&size=10'],
    ['/signup', 'a form', 'application/x-www-form-urlencoded', 'username=someone&password=x'],
    ['/signin', 'a form', 'application/x-www-form-urlencoded', 'username=someone&password=x'],
    ['/images', 'multipart', 'multipart/form-data; boundary=b', '--b\r\n\r\nx\r\n--b--\r\n'],
    ['/signup', 'text', 'text/plain', '{"username":"someone","password":"long enough"}'],
    ['/images', 'no Content-Type', undefined, '{"contentType":"image/png","size":10}'],
  ];
  it.each(notJson)(
    'when POST %s gets %s, then 415 naming application/json',
    async (path, _name, type, body) => {
      let req = app.http.post(path).set(auth).send(body);
      req = type === undefined ? req.unset('Content-Type') : req.set('Content-Type', type);
      const res = await req.expect(415);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers.accept).toBe('application/json');
      expect(res.body).toMatchObject({ status: 415, title: 'Unsupported Media Type' });
      expect(res.body.detail).toContain('Content-Type: application/json');
    },
  );

  it('when JSON comes in a charset other than UTF-8, then 415 too', async () => {
    const res = await app.http
      .post('/signup')
      .set('Content-Type', 'application/json; charset=latin1')
      .send('{"username":"someone","password":"long enough"}')
      .expect(415);
    expect(res.headers.accept).toBe('application/json');
  });

  it('when a JSON route gets no body at all, then still 400 (the body is missing, not mistyped)', async () => {
    const res = await app.http.post('/images').set(auth).expect(400);
    expect(res.body.detail).toContain('application/json');
  });

  it('when an invalid create is refused, then errors name the fields', async () => {
    const res = await app.http
      .post('/images')
      .set(auth)
      .send({ contentType: 'text/html', size: -1 })
      .expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'contentType',
      'size',
    ]);
  });

  it('when requests are refused, then the existing image is untouched', async () => {
    const res = await app.http.get(`/images/${imageId}`).set(auth).expect(200);
    expect(res.body.status).toBe('pending');
  });

  it.each(['/images', '/images/x', '/tags', '/tags/a/images'])(
    'when %s is asked without a token, then 401',
    async (path) => {
      const res = await app.http.get(path).expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="pixtag"');
    },
  );

  it('when the scheme is not Bearer, then 401', async () => {
    await app.http.get('/images').set('Authorization', 'Basic dXNlcjpwYXNz').expect(401);
  });
});
