// Loads the built Lambda bundle and answers one API Gateway `GET /health` event, on whatever Node
// runs this script: CI runs it on Node 22, Lambda's runtime, beside the tests on the machine's Node.
// Usage: node scripts/lambda-smoke.mjs [dist/lambda/index.mjs]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

Object.assign(process.env, {
  AWS_REGION: 'eu-west-1',
  AUTH: 'cognito',
  COGNITO_USER_POOL_ID: 'eu-west-1_smoke',
  COGNITO_CLIENT_ID: 'smoke',
  STORAGE: 's3',
  S3_BUCKET: 'smoke',
  UPLOAD_FUNCTION_NAME: 'smoke-onUpload',
  INDEX: 'opensearch',
  OPENSEARCH_URL: 'http://127.0.0.1:9',
  TAGGER: 'clarifai',
  CLARIFAI_PAT: 'smoke',
  LOG_LEVEL: 'silent',
});
const bundle = await import(
  pathToFileURL(resolve(process.argv[2] ?? 'dist/lambda/index.mjs')).href
);
for (const handler of ['api', 'onUpload', 'preSignUp']) {
  if (typeof bundle[handler] !== 'function')
    throw new Error(`the bundle does not export ${handler}`);
}
const result = await bundle.api(
  {
    resource: '/{proxy+}',
    path: '/health',
    httpMethod: 'GET',
    headers: { Host: 'smoke' },
    multiValueHeaders: { Host: ['smoke'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: 'health' },
    requestContext: {
      httpMethod: 'GET',
      path: '/health',
      stage: 'prod',
      identity: { sourceIp: '127.0.0.1' },
    },
    body: null,
    isBase64Encoded: false,
  },
  { getRemainingTimeInMillis: () => 3000, awsRequestId: 'smoke' },
);
if (result.statusCode !== 200 || JSON.parse(result.body).status !== 'ok') {
  throw new Error(`GET /health answered ${JSON.stringify(result)}`);
}
const skipped = await bundle.onUpload({
  Records: [{ s3: { object: { key: 'not-an-image-key' } } }],
});
console.log(
  `lambda smoke on Node ${process.version}: GET /health 200, onUpload ${JSON.stringify(skipped)}`,
);
