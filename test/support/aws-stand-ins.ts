// Everything the AWS-shaped tests need, started on 127.0.0.1: s3rver, cognito-local (with the real
// PreSignUp trigger), the OpenSearch fake (no real OpenSearch can run here), the Clarifai gRPC
// fake, and a stand-in for Lambda's Invoke API (what `api` calls to retag). `env` is the
// configuration the Lambda functions get in production, pointed at these.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startClarifaiFake, type ClarifaiFake } from './clarifai-fake.js';
import { startCognitoLocal, type CognitoLocal } from './cognito-local.js';
import { startOpenSearchFake, type OpenSearchFake } from './opensearch-fake.js';
import { startS3rver, type S3rver } from './s3rver.js';

export interface Invocation {
  functionName: string;
  invocationType: string | undefined;
  payload: unknown;
}

export interface AwsStandIns {
  env: Record<string, string>;
  s3: S3rver;
  cognito: CognitoLocal;
  opensearch: OpenSearchFake;
  clarifai: ClarifaiFake;
  /** Every Invoke received by the Lambda stand-in; `onInvoke` hears each as it arrives. */
  invocations: Invocation[];
  onInvoke(listener: (invocation: Invocation) => void): void;
  stop(): Promise<void>;
}

export const CLARIFAI_PAT = 'test-pat-not-a-secret';
export const UPLOAD_FUNCTION = 'pixtag-onUpload';

export async function startAwsStandIns(): Promise<AwsStandIns> {
  const [s3, cognito, opensearch, clarifai] = await Promise.all([
    startS3rver({ bucket: 'pixtag-images' }),
    startCognitoLocal(),
    startOpenSearchFake(),
    startClarifaiFake({ pat: CLARIFAI_PAT }),
  ]);
  const invocations: Invocation[] = [];
  const listeners: Array<(invocation: Invocation) => void> = [];
  const lambda: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match) {
        res.writeHead(404).end();
        return;
      }
      const invocation: Invocation = {
        functionName: decodeURIComponent(match[1]!),
        invocationType: req.headers['x-amz-invocation-type'] as string | undefined,
        payload: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'),
      };
      invocations.push(invocation);
      // Accepted for asynchronous invocation, as Lambda answers an `Event` invoke.
      res.writeHead(202, { 'Content-Type': 'application/json' }).end('');
      listeners.forEach((listener) => listener(invocation));
    });
  });
  await new Promise<void>((resolve) => lambda.listen(0, '127.0.0.1', resolve));
  const lambdaUrl = `http://127.0.0.1:${(lambda.address() as AddressInfo).port}`;

  const env = {
    AWS_REGION: cognito.region,
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    // The SDK's own per-service endpoint override: retag invokes reach the stand-in.
    AWS_ENDPOINT_URL_LAMBDA: lambdaUrl,
    AUTH: 'cognito',
    COGNITO_USER_POOL_ID: cognito.userPoolId,
    COGNITO_CLIENT_ID: cognito.clientId,
    COGNITO_ENDPOINT: cognito.endpoint,
    STORAGE: 's3',
    S3_BUCKET: s3.bucket,
    S3_ENDPOINT: s3.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    INDEX: 'opensearch',
    OPENSEARCH_URL: opensearch.url,
    TAGGER: 'clarifai',
    CLARIFAI_PAT,
    CLARIFAI_ENDPOINT: clarifai.address,
    UPLOAD_FUNCTION_NAME: UPLOAD_FUNCTION,
    LOG_LEVEL: 'silent',
  };

  return {
    env,
    s3,
    cognito,
    opensearch,
    clarifai,
    invocations,
    onInvoke: (listener) => listeners.push(listener),
    async stop() {
      await new Promise((resolve) => lambda.close(resolve));
      await Promise.all([s3.stop(), cognito.stop(), opensearch.close(), clarifai.stop()]);
    },
  };
}
