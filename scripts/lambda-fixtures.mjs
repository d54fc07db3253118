// The Lambda bundle's environment and a `GET /health` event, for running the bundle outside AWS
// with no backing service reachable (scripts/lambda-smoke.mjs, bench/cold-start.ts).

/** The configuration the functions get on AWS; nothing is contacted while answering /health. */
export const awsShapedEnv = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'offline',
  AWS_SECRET_ACCESS_KEY: 'offline',
  AUTH: 'cognito',
  COGNITO_USER_POOL_ID: 'eu-west-1_offline',
  COGNITO_CLIENT_ID: 'offline',
  STORAGE: 's3',
  S3_BUCKET: 'offline',
  UPLOAD_FUNCTION_NAME: 'offline-onUpload',
  INDEX: 'opensearch',
  OPENSEARCH_URL: 'http://127.0.0.1:9',
  // The stack's default tagger; its client loads on the first upload, never for /health.
  TAGGER: 'rekognition',
  LOG_LEVEL: 'silent',
};

/** API Gateway REST (v1) proxy event for GET /health. */
export const healthEvent = {
  resource: '/{proxy+}',
  path: '/health',
  httpMethod: 'GET',
  headers: { Host: 'offline' },
  multiValueHeaders: { Host: ['offline'] },
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  pathParameters: { proxy: 'health' },
  stageVariables: null,
  requestContext: {
    httpMethod: 'GET',
    path: '/prod/health',
    stage: 'prod',
    identity: { sourceIp: '127.0.0.1' },
    requestId: 'offline',
  },
  body: null,
  isBase64Encoded: false,
};

/** An S3 event for an object that is not an image key: onUpload's path without any I/O. */
export const skippedUploadEvent = { Records: [{ s3: { object: { key: 'not-an-image-key' } } }] };
