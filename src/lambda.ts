// The Lambda entry point, bundled to dist/lambda/index.mjs. Three handlers in one bundle:
// - api: the same Express app as the plain server (app.ts buildHttpApp), through
//   serverless-express (API Gateway REST);
// - onUpload: S3 ObjectCreated events (and retag events from api) → processUpload;
// - preSignUp: the Cognito trigger that confirms new users, as in the original tutorial.
// Config and adapters are built once per container, on the first invocation that needs them.
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { buildAdapters, processingContext } from './adapters.js';
import { loadConfig } from './config.js';
import { processUpload } from './images/process-upload.js';
import {
  failedUploadKeysOf,
  isFromFailureQueue,
  objectKeysOf,
  type UploadEvent,
} from './images/upload-events.js';
import { once } from './lazy-port.js';
import { createLogger } from './logger.js';

export { preSignUp } from './identity/pre-sign-up.js';

const container = once(async () => {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const adapters = await buildAdapters(config, log);
  return { config, log, adapters };
});

// Express and serverless-express load here, not at the top: onUpload never needs them.
const apiHandler = once(async () => {
  const [{ config, log, adapters }, { buildHttpApp }, serverlessExpressModule] = await Promise.all([
    container(),
    import('./app.js'),
    import('@codegenie/serverless-express'),
  ]);
  // A CommonJS package whose module.exports is `configure` itself: Node's ESM interop also names
  // it `configure`, esbuild's only `default`.
  const serverlessExpress = serverlessExpressModule.configure ?? serverlessExpressModule.default;
  const app = buildHttpApp(config, adapters, {
    log,
    // scripts/build-lambda.mjs builds the web gallery into web/ next to index.mjs.
    webDir: fileURLToPath(new URL('./web/', import.meta.url)),
  });
  return serverlessExpress({
    app,
    // Without this, serverless-express base64-encodes nothing and binary bodies are corrupted.
    binarySettings: { contentTypes: ['image/*', 'application/octet-stream'] },
  });
});

export async function api(event: unknown, context: Context): Promise<unknown> {
  const handler = await apiHandler();
  return handler(event, context, () => {});
}

/**
 * Processes every record; if any failed for a reason worth retrying, the invocation fails so that
 * Lambda retries the event (records already done are skipped then: processUpload is idempotent).
 * After Lambda's retries the event goes to the on-failure queue, which delivers it here once more
 * (later): that is the final attempt, which ends the image `failed` rather than `pending` for ever.
 * Permanent problems (not an image) end as `failed` images and never fail the invocation.
 */
export async function onUpload(event: UploadEvent): Promise<{ processed: number }> {
  const { config, log, adapters } = await container();
  const context = processingContext(config, adapters, log);
  const finalAttempt = isFromFailureQueue(event);
  const keys = finalAttempt ? failedUploadKeysOf(event) : objectKeysOf(event);
  const failures: unknown[] = [];
  for (const key of keys) {
    try {
      const result = await processUpload(context, key, { finalAttempt });
      log.info({ key, ...result }, 'upload processed');
    } catch (error) {
      log.warn({ err: error, key }, 'upload processing failed; the event will be retried');
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    throw new Error(`${failures.length} of ${keys.length} uploads could not be processed`, {
      cause: failures[0],
    });
  }
  return { processed: keys.length };
}
