// The AWS-shaped end-to-end run, in one test: the bundled handlers (built exactly as
// `npm run build` builds dist/lambda, into a temporary folder outside the repository, so the
// bundle cannot borrow anything from node_modules — as on Lambda), s3rver with its ObjectCreated
// events fed to onUpload, cognito-local with the real PreSignUp trigger, the Clarifai gRPC fake,
// and the OpenSearch fake (no real OpenSearch can run here).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { S3EventRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { buildLambda } from '../../scripts/build-lambda.mjs';
import {
  gatewayEvent,
  lambdaContext,
  readResult,
  type GatewayRequest,
} from '../support/api-gateway.js';
import { startAwsStandIns, type AwsStandIns } from '../support/aws-stand-ins.js';
import { eventually } from '../support/eventually.js';
import { fixture } from '../support/local-app.js';

interface Bundle {
  api(event: unknown, context: unknown): Promise<unknown>;
  onUpload(event: { Records: S3EventRecord[] }): Promise<{ processed: number }>;
}

describe('pixtag on AWS, end to end', () => {
  let stands: AwsStandIns;
  let bundleDir: string;
  let bundle: Bundle;
  const onUploadRuns: Array<Promise<unknown>> = [];

  beforeAll(async () => {
    bundleDir = mkdtempSync(join(tmpdir(), 'pixtag-bundle-'));
    await buildLambda(bundleDir, { cpu: process.arch });
    stands = await startAwsStandIns();
    Object.assign(process.env, stands.env);
    bundle = (await import(pathToFileURL(join(bundleDir, 'index.mjs')).href)) as Bundle;
    // S3 → onUpload, as the bucket notification does on AWS.
    stands.s3.onEvent((record) => onUploadRuns.push(bundle.onUpload({ Records: [record] })));
  }, 120_000);

  afterAll(async () => {
    await stands?.stop();
    rmSync(bundleDir, { recursive: true, force: true });
  });

  const call = async (request: GatewayRequest) =>
    readResult(await bundle.api(gatewayEvent(request), lambdaContext()));

  it('when a user signs up, signs in, uploads a photo to the presigned URL, then it is tagged and counted', async () => {
    const credentials = { username: 'e2e-user', password: 'long enough password' };
    expect((await call({ method: 'POST', path: '/signup', body: credentials })).status).toBe(201);
    const signin = await call({ method: 'POST', path: '/signin', body: credentials });
    expect(signin.status).toBe(200);
    const auth = { Authorization: `Bearer ${signin.json().token}` };

    const photo = fixture('astronaut.png');
    const created = await call({
      method: 'POST',
      path: '/images',
      headers: auth,
      body: { contentType: 'image/png', size: photo.length },
    });
    expect(created.status).toBe(201);
    const { image, upload } = created.json();
    expect(upload.url).toContain(stands.s3.endpoint);

    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: photo });
    expect(put.status).toBe(200);

    const tagged = await eventually(async () => {
      const got = await call({ method: 'GET', path: `/images/${image.id}`, headers: auth });
      expect(got.json().status).toBe('tagged');
      return got.json();
    });
    expect(tagged.tags.map((t: { name: string }) => t.name)).toContain('person');
    await Promise.all(onUploadRuns);
    // onUpload made the thumbnail with the sharp shipped beside the bundle, into the bucket.
    expect(tagged.thumbnailUrl).toContain(`${stands.s3.endpoint}/`);
    const thumbnail = await fetch(tagged.thumbnailUrl);
    expect(thumbnail.status).toBe(200);
    const webp = Buffer.from(await thumbnail.arrayBuffer());
    expect(webp.subarray(8, 12).toString('latin1')).toBe('WEBP');

    const tags = await call({ method: 'GET', path: '/tags', headers: auth });
    expect(tags.status).toBe(200);
    expect(tags.json().items).toContainEqual({ name: 'person', count: 1 });

    // The bytes went to Clarifai inline (the bucket is private), with the PAT.
    const sent = stands.clarifai.requests.at(-1)!;
    expect(sent.authorization).toBe(`Key ${stands.env.CLARIFAI_PAT}`);
    expect(Buffer.compare(sent.inputs[0]!.bytes, photo)).toBe(0);
  });
});
