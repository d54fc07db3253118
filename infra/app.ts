// The CDK app: `cd infra && npx cdk synth` (or `npm run synth`) after `npm run build`.
// Context (-c key=value): stackName (default Pixtag), bundleDir (default <repo>/dist/lambda),
// uploadConcurrency (default 5; 0 for accounts whose Lambda quota cannot reserve any),
// domainName (the OpenSearch domain; default derived from the stack name).
import { App } from 'aws-cdk-lib';
import { PixtagStack } from './pixtag-stack.js';

const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  // -c gives strings; cdk.json may give numbers or booleans, printed as they read.
  return typeof value === 'string' ? value : JSON.stringify(value);
};

const uploadConcurrency = context('uploadConcurrency');
if (uploadConcurrency !== undefined && !/^\d+$/.test(uploadConcurrency)) {
  throw new Error(`uploadConcurrency must be a whole number, not ${uploadConcurrency}`);
}
const bundleDir = context('bundleDir');
const domainName = context('domainName');

// No env: the template is account- and region-agnostic, and synth never looks anything up.
new PixtagStack(app, context('stackName') ?? 'Pixtag', {
  description: 'pixtag: an image-tagging API (API Gateway, Lambda, S3, Cognito, OpenSearch)',
  ...(bundleDir ? { bundleDir } : {}),
  ...(domainName ? { domainName } : {}),
  ...(uploadConcurrency !== undefined ? { uploadConcurrency: Number(uploadConcurrency) } : {}),
});
