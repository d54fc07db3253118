// Loads the built Lambda bundle and answers one API Gateway `GET /health` event, on whatever Node
// runs this script: CI runs it on Node 22, Lambda's runtime, beside the tests on the machine's Node.
// Usage: node scripts/lambda-smoke.mjs [dist/lambda/index.mjs]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { awsShapedEnv, healthEvent, skippedUploadEvent } from './lambda-fixtures.mjs';

Object.assign(process.env, awsShapedEnv);
const bundle = await import(
  pathToFileURL(resolve(process.argv[2] ?? 'dist/lambda/index.mjs')).href
);
for (const handler of ['api', 'onUpload', 'preSignUp']) {
  if (typeof bundle[handler] !== 'function')
    throw new Error(`the bundle does not export ${handler}`);
}
const result = await bundle.api(healthEvent, {
  getRemainingTimeInMillis: () => 3000,
  awsRequestId: 'smoke',
});
if (result.statusCode !== 200 || JSON.parse(result.body).status !== 'ok') {
  throw new Error(`GET /health answered ${JSON.stringify(result)}`);
}
// The web gallery ships in the bundle's folder (web/) and its CSP names the bucket's origin.
const page = await bundle.api(
  { ...healthEvent, path: '/', resource: '/', pathParameters: null },
  { getRemainingTimeInMillis: () => 3000, awsRequestId: 'smoke-page' },
);
const csp = String(
  page.multiValueHeaders?.['content-security-policy'] ??
    page.headers?.['content-security-policy'] ??
    '',
);
if (
  page.statusCode !== 200 ||
  !page.body.includes('web/app.js') ||
  !csp.includes(`connect-src 'self' https://${awsShapedEnv.S3_BUCKET}.s3.`)
) {
  throw new Error(`GET / answered ${page.statusCode} with CSP ${csp}`);
}
// So does the API reference's viewer (web/docs/), which GET /docs loads.
for (const path of ['/docs', '/docs/swagger-ui-bundle.js']) {
  const got = await bundle.api(
    { ...healthEvent, path, resource: '/{proxy+}', pathParameters: { proxy: path.slice(1) } },
    { getRemainingTimeInMillis: () => 3000, awsRequestId: 'smoke-docs' },
  );
  if (got.statusCode !== 200) throw new Error(`GET ${path} answered ${got.statusCode}`);
}
const skipped = await bundle.onUpload(skippedUploadEvent);
console.log(
  `lambda smoke on Node ${process.version}: GET /health 200, GET / 200, GET /docs 200, onUpload ${JSON.stringify(skipped)}`,
);
