// The local store's signed upload URLs: refused unless used exactly as signed, and in time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { fixture, putSigned, startTestApp, type TestApp } from '../support/local-app.js';

describe('signed uploads', () => {
  let app: TestApp;
  let auth: { Authorization: string };
  const bytes = fixture('astronaut.png');

  beforeAll(async () => {
    app = await startTestApp();
    auth = (await app.newUser()).auth;
  });
  afterAll(() => app.close());

  async function newUpload(size = bytes.length, contentType = 'image/png') {
    const res = await app.http.post('/images').set(auth).send({ contentType, size }).expect(201);
    return res.body as {
      image: { id: string };
      upload: { url: string; headers: Record<string, string> };
    };
  }

  async function statusOf(id: string) {
    return (await app.http.get(`/images/${id}`).set(auth).expect(200)).body.status as string;
  }

  it.each([
    ['the signature is changed', (u: URL) => u.searchParams.set('signature', 'A'.repeat(43))],
    ['the signature is missing', (u: URL) => u.searchParams.delete('signature')],
    ['the size is changed', (u: URL) => u.searchParams.set('size', '99')],
    ['the content type is changed', (u: URL) => u.searchParams.set('contentType', 'image/gif')],
    [
      'the expiry is pushed back',
      (u: URL) =>
        u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 3600)),
    ],
    [
      'the key is changed',
      (u: URL) => (u.pathname = u.pathname.replace(/.$/, (last) => (last === '0' ? '1' : '0'))),
    ],
  ])('when %s, then 403 and nothing is stored', async (_name, tamper) => {
    const { image, upload } = await newUpload();
    const url = new URL(upload.url);
    tamper(url);
    const res = await app.http
      .put(url.pathname + url.search)
      .set(upload.headers)
      .send(bytes);
    expect(res.status).toBe(403);
    expect(res.body.status).toBe(403);
    expect(await statusOf(image.id)).toBe('pending');
    expect(app.runtime.adapters.localQueue!.jobs.size()).toBeGreaterThan(0);
  });

  it('when the Content-Type differs from the signed one, then 403', async () => {
    const { upload } = await newUpload();
    const url = new URL(upload.url);
    const res = await app.http
      .put(url.pathname + url.search)
      .set('Content-Type', 'image/jpeg')
      .send(bytes);
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('image/png');
  });

  it('when the body is shorter than the signed size, then 400 and nothing is stored', async () => {
    const { image, upload } = await newUpload(bytes.length + 10);
    const res = await putSigned(app.http, upload, bytes);
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/Content-Length/);
    await app.runtime.worker.idle();
    expect(await statusOf(image.id)).toBe('pending');
  });

  it('when the body is larger than the signed size, then it is refused (4xx)', async () => {
    const { upload } = await newUpload(100);
    const res = await putSigned(app.http, upload, bytes);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('when the upload is used as signed, then 200 and the image is tagged', async () => {
    const { image, upload } = await newUpload();
    await putSigned(app.http, upload, bytes).expect(200);
    await eventually(async () => expect(await statusOf(image.id)).toBe('tagged'), {
      timeoutMs: 60_000,
    });
  });

  it('when a download URL is tampered with, then 403', async () => {
    const { image } = await newUpload();
    const got = await app.http.get(`/images/${image.id}`).set(auth).expect(200);
    const url = new URL(got.body.url);
    url.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 1));
    await app.http.get(url.pathname + url.search).expect(403);
  });
});

describe('expired upload URLs', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ UPLOAD_URL_TTL_SECONDS: '1' });
  });
  afterAll(() => app.close());

  it('when the URL has expired, then 403 and the upload is refused', async () => {
    const { auth } = await app.newUser();
    const bytes = fixture('astronaut.png');
    const res = await app.http
      .post('/images')
      .set(auth)
      .send({ contentType: 'image/png', size: bytes.length })
      .expect(201);
    await eventually(
      async () => {
        const put = await putSigned(app.http, res.body.upload, bytes);
        expect(put.status).toBe(403);
        expect(put.body.detail).toMatch(/expired/);
      },
      { timeoutMs: 5000, intervalMs: 250 },
    );
  });
});
