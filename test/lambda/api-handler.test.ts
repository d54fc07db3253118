// The `api` Lambda handler from source, called with API Gateway REST (v1) proxy events, as on AWS:
// Cognito via cognito-local, S3 via s3rver (its ObjectCreated events fed to `onUpload`), the
// OpenSearch fake, the Clarifai gRPC fake, and a Lambda Invoke stand-in wired to the real
// `onUpload`, so a retag goes api → Invoke → onUpload.
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Types only: the module itself is imported once the stand-ins' environment is in place.
import type * as Handlers from '../../src/lambda.js';
import type { UploadEvent } from '../../src/images/upload-events.js';
import {
  gatewayEvent,
  lambdaContext,
  readResult,
  type GatewayRequest,
  type GatewayResponse,
} from '../support/api-gateway.js';
import { startAwsStandIns, UPLOAD_FUNCTION, type AwsStandIns } from '../support/aws-stand-ins.js';
import { eventually } from '../support/eventually.js';

type Auth = Record<string, string>;
const bearer = (token: string): Auth => ({ Authorization: `Bearer ${token}` });

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', name));
const photo = fixture('astronaut.png');
const tagNames = (image: { tags: Array<{ name: string }> }) => image.tags.map((t) => t.name);
const ids = (page: { items: Array<{ id: string }> }) => page.items.map((i) => i.id);

describe('the api Lambda handler', () => {
  let stands: AwsStandIns;
  let lambda: typeof Handlers;
  const savedEnv = { ...process.env };
  /** Every onUpload run, from S3 events and retag invokes; a rejection fails the file. */
  const onUploadRuns: Array<Promise<unknown>> = [];
  const runOnUpload = (event: UploadEvent) => {
    const run = lambda.onUpload(event);
    onUploadRuns.push(run);
    run.catch(() => {}); // surfaced by afterAll, not as an unhandled rejection
  };

  beforeAll(async () => {
    stands = await startAwsStandIns();
    Object.assign(process.env, stands.env);
    lambda = await import('../../src/lambda.js');
    stands.s3.onEvent((record) => runOnUpload({ Records: [record] }));
    stands.onInvoke((invocation) => runOnUpload(invocation.payload as UploadEvent));
  });

  afterAll(async () => {
    try {
      await Promise.all(onUploadRuns);
    } finally {
      await stands?.stop();
      for (const name of Object.keys(stands?.env ?? {})) {
        if (savedEnv[name] === undefined) delete process.env[name];
        else process.env[name] = savedEnv[name];
      }
    }
  });

  /** Calls the handler; every response, errors included, must carry CORS and a request id. */
  const call = async (request: GatewayRequest): Promise<GatewayResponse> => {
    const response = readResult(await lambda.api(gatewayEvent(request), lambdaContext()));
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-expose-headers']).toMatch(/WWW-Authenticate/);
    expect(response.headers['x-request-id']).toMatch(/\S/);
    expect(response.status).toBeLessThan(500);
    return response;
  };
  const get = (path: string, headers?: Record<string, string>) =>
    call({ method: 'GET', path, ...(headers ? { headers } : {}) });

  async function newUser(): Promise<{ token: string; auth: Auth }> {
    const credentials = { username: `user-${randomUUID().slice(0, 8)}`, password: 'long enough' };
    expect((await call({ method: 'POST', path: '/signup', body: credentials })).status).toBe(201);
    const signin = await call({ method: 'POST', path: '/signin', body: credentials });
    expect(signin.status).toBe(200);
    const token = signin.json().token as string;
    return { token, auth: bearer(token) };
  }

  async function untilTagged(auth: Auth, id: string) {
    return eventually(async () => {
      const got = await get(`/images/${id}`, auth);
      expect(got.status).toBe(200);
      expect(got.json().status).toBe('tagged');
      return got.json();
    });
  }

  /** POST /images, then the PUT to the signed URL; s3rver's event reaches onUpload by itself. */
  async function uploadPhoto(auth: Auth, name = 'astronaut.png', contentType = 'image/png') {
    const bytes = fixture(name);
    const created = await call({
      method: 'POST',
      path: '/images',
      headers: auth,
      body: { contentType, size: bytes.length, filename: name },
    });
    expect(created.status).toBe(201);
    const { image, upload } = created.json();
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes });
    expect(put.status).toBe(200);
    const key = decodeURIComponent(new URL(upload.url).pathname).slice(stands.s3.bucket.length + 2);
    return { created, image, upload, key };
  }

  it('when a user signs up and signs in with JSON bodies, then 201, 200 and a token the API accepts', async () => {
    const credentials = { username: `json-${randomUUID().slice(0, 8)}`, password: 'long enough' };
    const signup = await call({ method: 'POST', path: '/signup', body: credentials });
    expect(signup.status).toBe(201);
    expect(signup.json()).toEqual({ message: 'Created' });

    const signin = await call({ method: 'POST', path: '/signin', body: credentials });
    expect(signin.status).toBe(200);
    const body = signin.json();
    expect(body).toMatchObject({ tokenType: 'Bearer', token: expect.any(String) });
    expect(body.expiresIn).toBeGreaterThan(0);
    // Issued by cognito-local's pool; the API checks it against that pool's JWKS.
    const claims = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString());
    expect(claims.iss).toBe(`${stands.cognito.endpoint}/${stands.cognito.userPoolId}`);

    const list = await get('/images', bearer(body.token));
    expect(list.status).toBe(200);
    expect(list.json()).toEqual({ items: [], nextCursor: null });
  });

  it('when the sign-up body arrives base64-encoded, then it is decoded and the user can sign in', async () => {
    const credentials = { username: `b64-${randomUUID().slice(0, 8)}`, password: 'long enough' };
    const signup = await call({
      method: 'POST',
      path: '/signup',
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.from(JSON.stringify(credentials)),
    });
    expect(signup.status).toBe(201);
    expect((await call({ method: 'POST', path: '/signin', body: credentials })).status).toBe(200);
  });

  it('when a photo is PUT to the signed S3 URL and its event reaches onUpload, then it is tagged, listed and counted', async () => {
    const { auth } = await newUser();
    const { created, image, upload } = await uploadPhoto(auth);
    expect(image).toMatchObject({ status: 'pending', tags: [], filename: 'astronaut.png' });
    expect(created.headers.location).toBe(`/images/${image.id}`);
    expect(upload).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'image/png' } });
    const url = new URL(upload.url);
    expect(url.origin).toBe(stands.s3.endpoint);
    expect(url.pathname).toMatch(new RegExp(`^/${stands.s3.bucket}/u/[^/]+/${image.id}$`));
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(
      expect.arrayContaining(['content-length', 'content-type']),
    );

    const tagged = await untilTagged(auth, image.id);
    expect(tagNames(tagged)).toContain('person');
    const download = await fetch(tagged.url);
    expect(Buffer.from(await download.arrayBuffer()).equals(photo)).toBe(true);

    const all = await get('/images', auth);
    expect(ids(all.json())).toEqual([image.id]);
    const people = await get('/images?tags=person', auth);
    expect(ids(people.json())).toEqual([image.id]);
    const tags = await get('/tags', auth);
    expect(tags.status).toBe(200);
    expect(tags.json().items).toContainEqual({ name: 'person', count: 1 });
    const byTag = await get('/tags/person/images', auth);
    expect(byTag.status).toBe(200);
    expect(ids(byTag.json())).toEqual([image.id]);
  });

  it('when a tag with a space comes as an encoded path parameter, then it is found, and an unused one is 200 empty', async () => {
    const { auth } = await newUser();
    const { image } = await uploadPhoto(auth, 'bus.jpg', 'image/jpeg');
    expect(tagNames(await untilTagged(auth, image.id))).toContain('transportation system');

    for (const path of [
      '/tags/transportation%20system/images',
      '/tags/Transportation%20System/images',
    ]) {
      const found = await call({ method: 'GET', path, headers: auth });
      expect(found.status).toBe(200);
      expect(ids(found.json())).toEqual([image.id]);
    }
    const unused = await get('/tags/traffic%20light/images', auth);
    expect(unused.status).toBe(200);
    expect(unused.json()).toEqual({ items: [], nextCursor: null });
  });

  it('when an image is retagged, then 202 pending, onUpload is invoked asynchronously and it ends tagged again', async () => {
    const { auth } = await newUser();
    const { image, key } = await uploadPhoto(auth);
    const first = await untilTagged(auth, image.id);
    const invokedBefore = stands.invocations.length;

    const retag = await call({ method: 'POST', path: `/images/${image.id}/retag`, headers: auth });
    expect(retag.status).toBe(202);
    expect(retag.json()).toMatchObject({ id: image.id, status: 'pending', tags: [] });
    const invocation = stands.invocations.slice(invokedBefore).at(0);
    expect(invocation).toMatchObject({ functionName: UPLOAD_FUNCTION, invocationType: 'Event' });
    // S3-shaped, as onUpload reads it (this key has nothing URL-encoding changes).
    expect(invocation?.payload).toEqual({
      Records: [expect.objectContaining({ s3: { object: { key } } })],
    });

    const again = await untilTagged(auth, image.id);
    expect(again.taggedAt).not.toBe(first.taggedAt);
    expect(tagNames(again)).toContain('person');
  });

  it('when an image is deleted, then 204, the object is gone from S3 and the image answers 404', async () => {
    const { auth } = await newUser();
    const { image, key } = await uploadPhoto(auth);
    await untilTagged(auth, image.id);

    const deleted = await call({ method: 'DELETE', path: `/images/${image.id}`, headers: auth });
    expect(deleted.status).toBe(204);
    const s3 = new S3Client({
      region: stands.s3.region,
      endpoint: stands.s3.endpoint,
      forcePathStyle: true,
      credentials: stands.s3.credentials,
    });
    const read = s3.send(new GetObjectCommand({ Bucket: stands.s3.bucket, Key: key }));
    await expect(read).rejects.toMatchObject({ name: 'NoSuchKey' });
    s3.destroy();
    expect((await get(`/images/${image.id}`, auth)).status).toBe(404);
    expect((await get('/tags', auth)).json().items).toEqual([]);
  });

  it("when another user asks for an image, then 404 exactly as for an unknown id, and the owner's image is untouched", async () => {
    const owner = await newUser();
    const { image } = await uploadPhoto(owner.auth);
    await untilTagged(owner.auth, image.id);
    const other = await newUser();

    const unknown = await get(`/images/${randomUUID()}`, other.auth);
    expect(unknown.status).toBe(404);
    for (const method of ['GET', 'DELETE']) {
      const got = await call({ method, path: `/images/${image.id}`, headers: other.auth });
      expect(got.status).toBe(404);
      expect(got.json()).toEqual(unknown.json());
    }
    const retag = await call({
      method: 'POST',
      path: `/images/${image.id}/retag`,
      headers: other.auth,
    });
    expect(retag.status).toBe(404);
    expect((await get('/tags', other.auth)).json().items).toEqual([]);
    const mine = await get(`/images/${image.id}`, owner.auth);
    expect(mine.json()).toMatchObject({ status: 'tagged' });
  });

  it('when no token is sent, then 401 with WWW-Authenticate: Bearer realm="pixtag"', async () => {
    const got = await get('/images');
    expect(got.status).toBe(401);
    expect(got.headers['www-authenticate']).toBe('Bearer realm="pixtag"');
    expect(got.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(got.json()).toMatchObject({ status: 401 });
  });

  it('when the token is garbage, tampered with or signed by another key, then 401 invalid_token', async () => {
    const { token } = await newUser();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const tampered = `${header}.${b64({ ...claims, sub: randomUUID() })}.${signature}`;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const unsigned = `${header}.${b64({ ...claims, sub: randomUUID() })}`;
    const forged = `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey, 'base64url')}`;

    expect((await get('/tags', bearer(token))).status).toBe(200);
    for (const bad of ['not-a-jwt', tampered, forged]) {
      const got = await get('/tags', bearer(bad));
      expect(got.status).toBe(401);
      expect(got.headers['www-authenticate']).toBe('Bearer realm="pixtag", error="invalid_token"');
    }
  });

  it('when the JSON body is malformed, then 400 problem details', async () => {
    const got = await call({
      method: 'POST',
      path: '/signup',
      headers: { 'Content-Type': 'application/json' },
      body: '{"username": "half',
    });
    expect(got.status).toBe(400);
    expect(got.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(got.json()).toMatchObject({ status: 400, title: 'Bad Request' });
  });

  it('when the route is unknown, then 404 problem details', async () => {
    const got = await get('/no/such/route');
    expect(got.status).toBe(404);
    expect(got.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(got.json()).toMatchObject({ status: 404 });
  });

  it('when a browser sends a preflight, then 204 with the CORS headers', async () => {
    const got = await call({
      method: 'OPTIONS',
      path: '/images',
      headers: {
        Origin: 'https://app.example.com',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type',
      },
    });
    expect(got.status).toBe(204);
    expect(got.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(got.headers['access-control-allow-headers']).toBe('authorization, content-type');
    expect(got.headers['access-control-expose-headers']).toMatch(/WWW-Authenticate/);
  });

  it('when the client sends an X-Request-Id, then the response echoes it', async () => {
    const got = await get('/health', { 'X-Request-Id': 'trace-42' });
    expect(got.headers['x-request-id']).toBe('trace-42');
  });

  it('when /health is called, then 200 without touching any backing service', async () => {
    const { auth } = await newUser();
    await Promise.allSettled(onUploadRuns); // nothing else may be talking to the stand-ins
    const seen = () => ({
      opensearch: stands.opensearch.requests.length,
      clarifai: stands.clarifai.requests.length,
      invocations: stands.invocations.length,
    });
    // The control: a route that reads the catalog is seen by the OpenSearch fake.
    const before = seen();
    expect((await get('/tags', auth)).status).toBe(200);
    expect(seen().opensearch).toBeGreaterThan(before.opensearch);

    const beforeHealth = seen();
    const got = await get('/health');
    expect(got.status).toBe(200);
    expect(got.json()).toEqual({ status: 'ok' });
    expect(seen()).toEqual(beforeHealth);
  });

  it('when /openapi.json is asked for, then 200 with the OpenAPI document', async () => {
    const got = await get('/openapi.json');
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toMatch(/^application\/json/);
    const document = got.json();
    expect(document.openapi).toMatch(/^3\.1/);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/signup', '/signin', '/images', '/tags', '/health']),
    );
  });
});
