// The `onUpload` Lambda handler from source, with S3 ObjectCreated events as s3rver emits them
// (keys URL-encoded as S3 does). Events are delivered by each test, explicitly, so duplicates,
// odd keys and retries after an outage are under the test's control. Images are created and
// read through the `api` handler, as a user would.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Types only: the module itself is imported once the stand-ins' environment is in place.
import type * as Handlers from '../../src/lambda.js';
import {
  gatewayEvent,
  lambdaContext,
  readResult,
  type GatewayRequest,
} from '../support/api-gateway.js';
import { startAwsStandIns, type AwsStandIns } from '../support/aws-stand-ins.js';
import { eventually } from '../support/eventually.js';

type Auth = Record<string, string>;

const photo = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'astronaut.png'));
const notAPicture = Buffer.from('hello, I am not a picture\n'.repeat(20));

describe('the onUpload Lambda handler', () => {
  let stands: AwsStandIns;
  let lambda: typeof Handlers;
  const savedEnv = { ...process.env };
  /** ObjectCreated records by their (URL-encoded) key, as S3 would deliver them. */
  const records = new Map<string, S3EventRecord>();

  beforeAll(async () => {
    stands = await startAwsStandIns();
    Object.assign(process.env, stands.env);
    lambda = await import('../../src/lambda.js');
    stands.s3.onEvent((record) => records.set(record.s3.object.key, record));
  });

  afterAll(async () => {
    stands?.clarifai.reset();
    await stands?.stop();
    for (const name of Object.keys(stands?.env ?? {})) {
      if (savedEnv[name] === undefined) delete process.env[name];
      else process.env[name] = savedEnv[name];
    }
  });

  const call = async (request: GatewayRequest) =>
    readResult(await lambda.api(gatewayEvent(request), lambdaContext()));

  async function newUser(): Promise<Auth> {
    const credentials = { username: `user-${randomUUID().slice(0, 8)}`, password: 'long enough' };
    expect((await call({ method: 'POST', path: '/signup', body: credentials })).status).toBe(201);
    const signin = await call({ method: 'POST', path: '/signin', body: credentials });
    expect(signin.status).toBe(200);
    return { Authorization: `Bearer ${signin.json().token}` };
  }

  /** A new image with `bytes` PUT to its signed URL; returns its id and S3's event for it. */
  async function uploaded(auth: Auth, bytes: Buffer, contentType = 'image/png') {
    const created = await call({
      method: 'POST',
      path: '/images',
      headers: auth,
      body: { contentType, size: bytes.length },
    });
    expect(created.status).toBe(201);
    const { image, upload } = created.json();
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes });
    expect(put.status).toBe(200);
    const key = decodeURIComponent(new URL(upload.url).pathname).slice(stands.s3.bucket.length + 2);
    const record = await eventually(() => {
      const found = records.get(key);
      expect(found).toBeDefined();
      return found!;
    });
    return { id: image.id as string, key, event: { Records: [record] } };
  }

  async function imageOf(auth: Auth, id: string) {
    const got = await call({ method: 'GET', path: `/images/${id}`, headers: auth });
    expect(got.status).toBe(200);
    return got.json();
  }

  it('when the same S3 event is delivered twice, then one set of tags and Clarifai is asked once', async () => {
    const auth = await newUser();
    const { id, event } = await uploaded(auth, photo);
    const asked = stands.clarifai.requests.length;

    await expect(lambda.onUpload(event)).resolves.toEqual({ processed: 1 });
    const first = await imageOf(auth, id);
    expect(first.status).toBe('tagged');
    expect(first.tags.map((t: { name: string }) => t.name)).toContain('person');

    await expect(lambda.onUpload(event)).resolves.toEqual({ processed: 1 });
    const again = await imageOf(auth, id);
    expect(again.tags).toEqual(first.tags);
    expect(again.taggedAt).toBe(first.taggedAt);
    expect(stands.clarifai.requests.length - asked).toBe(1);
    const tags = await call({ method: 'GET', path: '/tags', headers: auth });
    expect(tags.json().items).toContainEqual({ name: 'person', count: 1 });
  });

  it('when the object is not an image, then the image ends failed with a clear error and the invocation succeeds', async () => {
    const auth = await newUser();
    const { id, event } = await uploaded(auth, notAPicture, 'image/png');
    const asked = stands.clarifai.requests.length;

    await expect(lambda.onUpload(event)).resolves.toEqual({ processed: 1 });
    const image = await imageOf(auth, id);
    expect(image.status).toBe('failed');
    expect(image.error).toMatch(/not a JPEG, PNG, WebP or GIF image/);
    expect(image.tags).toEqual([]);
    // Rejected by its bytes, before anything is paid for.
    expect(stands.clarifai.requests.length).toBe(asked);
  });

  it('when a key is URL-encoded, then it is decoded; a key that is no image is skipped without failing the event', async () => {
    const auth = await newUser();
    const { id, key } = await uploaded(auth, photo);
    // An object outside pixtag's key layout, with a space and a "+" in its key.
    const odd = 'u/not an image/a+b.png';
    const s3 = new S3Client({
      region: stands.s3.region,
      endpoint: stands.s3.endpoint,
      forcePathStyle: true,
      credentials: stands.s3.credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    await s3.send(new PutObjectCommand({ Bucket: stands.s3.bucket, Key: odd, Body: photo }));
    s3.destroy();
    const oddRecord = await eventually(() => {
      // As S3 sends it: a space as "+", a "+" as "%2B".
      const found = records.get('u/not+an+image/a%2Bb.png');
      expect(found).toBeDefined();
      return found!;
    });
    // The image's own key with escapes a decoder must undo (S3 may escape any character).
    const escaped = key.replace(/-/g, '%2D');
    const imageRecord = { ...oddRecord, s3: { ...oddRecord.s3, object: { key: escaped } } };
    const asked = stands.clarifai.requests.length;

    await expect(lambda.onUpload({ Records: [oddRecord, imageRecord] })).resolves.toEqual({
      processed: 2,
    });
    const image = await imageOf(auth, id);
    expect(image.status).toBe('tagged');
    // Only the image was tagged: the odd object never reached Clarifai.
    expect(stands.clarifai.requests.length - asked).toBe(1);
  });

  it('when Clarifai is unavailable on every attempt, then the invocation fails and the image stays pending; once it recovers, the same event tags it', async () => {
    const auth = await newUser();
    const { id, event } = await uploaded(auth, photo);
    stands.clarifai.reset();
    stands.clarifai.failNext(Infinity, 'unavailable');
    try {
      // Rejecting is what makes Lambda retry the event.
      await expect(lambda.onUpload(event)).rejects.toThrow(/could not be processed/);
      // The tagger itself retried before giving up.
      expect(stands.clarifai.requests.length).toBeGreaterThan(1);
    } finally {
      stands.clarifai.reset();
    }
    const waiting = await imageOf(auth, id);
    expect(waiting.status).toBe('pending');
    expect(waiting.error).toBeUndefined();

    await expect(lambda.onUpload(event)).resolves.toEqual({ processed: 1 });
    const tagged = await imageOf(auth, id);
    expect(tagged.status).toBe('tagged');
    expect(tagged.tags.map((t: { name: string }) => t.name)).toContain('person');
  });

  it('when a failed event comes back from the on-failure queue and Clarifai is still down, then the image ends failed and the batch succeeds', async () => {
    const auth = await newUser();
    const { id, event } = await uploaded(auth, photo);
    // What SQS delivers: Lambda's destination record for the event that kept failing.
    const fromQueue = {
      Records: [
        {
          eventSource: 'aws:sqs',
          messageId: 'm-1',
          body: JSON.stringify({
            requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
            requestPayload: event,
          }),
        },
      ],
    };
    stands.clarifai.reset();
    stands.clarifai.failNext(Infinity, 'unavailable');
    try {
      await expect(lambda.onUpload(fromQueue)).resolves.toEqual({ processed: 1 });
    } finally {
      stands.clarifai.reset();
    }
    const failed = await imageOf(auth, id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/unavailable.*Retag/);
  });
});
