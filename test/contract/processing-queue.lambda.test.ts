// The ProcessingQueue contract for AWS: createLambdaProcessing, with the real @aws-sdk/client-lambda,
// against a fake of Lambda's Invoke API on 127.0.0.1 (test/support/lambda-invoke-fake.ts: no Lambda
// can run here, and the requests the SDK sends are what is under test). A key is handed over when
// an asynchronous Invoke of onUpload arrives whose event onUpload itself would read as that key.
// Built as the composition root builds it (no client given; endpoint and credentials from the
// environment), so the client the adapter makes is under test too.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { TransientError } from '../../src/domain/errors.js';
import { objectKeysOf, type UploadEvent } from '../../src/images/upload-events.js';
import { createLambdaProcessing, retagEvent } from '../../src/jobs/lambda-processing.js';
import {
  startLambdaInvokeFake,
  type LambdaInvokeFake,
  type ReceivedRequest,
} from '../support/lambda-invoke-fake.js';
import {
  processingQueueContract,
  type ProcessingQueueHarness,
} from './processing-queue.contract.js';

const FUNCTION_NAME = 'pixtag-onUpload';
const REGION = 'eu-west-1';
const ACCESS_KEY_ID = 'AKIDPIXTAGTEST';

function stubAwsEnvironment(fake: LambdaInvokeFake): void {
  // The SDK's own per-service endpoint override, as the AWS-shaped end-to-end run uses it.
  vi.stubEnv('AWS_ENDPOINT_URL_LAMBDA', fake.url);
  vi.stubEnv('AWS_ACCESS_KEY_ID', ACCESS_KEY_ID);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'not-a-secret');
}

/** The path of an Invoke of `functionName`, as the Lambda REST API names it. */
const invokePath = (functionName: string) =>
  `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`;

/** The keys onUpload would process for this request; fails unless it is an async Invoke of it. */
function keysOfInvoke(request: ReceivedRequest): string[] {
  expect(request).toMatchObject({ method: 'POST', url: invokePath(FUNCTION_NAME) });
  expect(request.headers['x-amz-invocation-type']).toBe('Event');
  return objectKeysOf(JSON.parse(request.body) as UploadEvent);
}

async function setupLambda(): Promise<ProcessingQueueHarness> {
  const fake = await startLambdaInvokeFake();
  stubAwsEnvironment(fake);
  return {
    queue: createLambdaProcessing({ functionName: FUNCTION_NAME, region: REGION }),
    // Enqueue resolves only after Lambda answered, so every request has arrived by now.
    handedOverBy: async () => fake.requests.splice(0).flatMap(keysOfInvoke),
    async close() {
      vi.unstubAllEnvs();
      await fake.stop();
    },
  };
}

processingQueueContract('Lambda onUpload via the Invoke API', { holdsKeys: false }, setupLambda);

describe('createLambdaProcessing against the Invoke API fake', () => {
  let fake: LambdaInvokeFake;
  beforeAll(async () => {
    fake = await startLambdaInvokeFake();
    stubAwsEnvironment(fake);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await fake?.stop();
  });
  beforeEach(() => {
    fake.requests.splice(0);
    fake.failWith(undefined);
  });

  const queue = () => createLambdaProcessing({ functionName: FUNCTION_NAME, region: REGION });

  it('when a key is enqueued, then the SDK sends one signed asynchronous Invoke of onUpload with the S3-shaped retag event', async () => {
    const key = 'u/al ice/photo+1';
    await queue().enqueue(key);
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request!.method).toBe('POST');
    // No qualifier, no other query: the function's $LATEST, as the stack wires it.
    expect(request!.url).toBe(invokePath(FUNCTION_NAME));
    expect(request!.headers).toMatchObject({
      'x-amz-invocation-type': 'Event',
      'content-type': 'application/octet-stream',
    });
    // Neither a log tail (not allowed with Event) nor a client context is asked for.
    expect(request!.headers['x-amz-log-type']).toBeUndefined();
    expect(request!.headers['x-amz-client-context']).toBeUndefined();
    // Signed for Lambda in the configured region, with the environment's credentials.
    expect(request!.headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/\\d{8}/${REGION}/lambda/aws4_request, `,
      ),
    );
    expect(JSON.parse(request!.body)).toEqual({
      Records: [
        {
          eventSource: 'pixtag',
          eventName: 'pixtag:Retag',
          // URL-encoded as S3 encodes keys in its events; the slashes stay.
          s3: { object: { key: 'u/al%20ice/photo%2B1' } },
        },
      ],
    });
    expect(JSON.parse(request!.body)).toEqual(retagEvent(key));
  });

  it('when Lambda refuses the Invoke, then enqueue fails with a TransientError whose cause is the SDK error', async () => {
    fake.failWith({
      status: 404,
      type: 'ResourceNotFoundException',
      message: 'Function not found: pixtag-onUpload',
    });
    const error = await queue()
      .enqueue('u/owner/image')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).cause).toMatchObject({ name: 'ResourceNotFoundException' });
    // One attempt: a 404 is not retried by the SDK.
    expect(fake.requests).toHaveLength(1);
  });

  it('when Lambda cannot be reached, then enqueue fails with a TransientError', async () => {
    // A port that was free a moment ago and has nothing listening now.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const client = new LambdaClient({
      region: REGION,
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: 'not-a-secret' },
      // One attempt: the adapter's translation is under test, not the SDK's retries.
      maxAttempts: 1,
    });
    const unreachable = createLambdaProcessing({
      functionName: FUNCTION_NAME,
      region: REGION,
      client,
    });
    await expect(unreachable.enqueue('u/owner/image')).rejects.toBeInstanceOf(TransientError);
  });

  it('when an image is cancelled or an upload expected, then no request is sent at all', async () => {
    const processing = queue();
    await processing.cancel('u/owner/image');
    await processing.expectUpload('u/owner/image', new Date(Date.now() + 60_000));
    expect(fake.requests).toEqual([]);
  });
});
