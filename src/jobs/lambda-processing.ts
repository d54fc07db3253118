// The ProcessingQueue on AWS: uploads reach onUpload through S3 events by themselves, so only a
// retag needs a push — `api` invokes the onUpload function asynchronously with an S3-shaped event
// (the tutorial's "call a Lambda from a Lambda"); `api` never tags in-line.
import type * as LambdaSdk from '@aws-sdk/client-lambda';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { ProcessingQueue } from './processing-queue.js';
import { TransientError } from '../domain/errors.js';

export interface LambdaProcessingOptions {
  functionName: string;
  region: string;
  /** For tests: a client pointed at a stand-in. */
  client?: LambdaClient;
}

/** The event onUpload receives for a retag: the same shape as an S3 ObjectCreated record. */
export function retagEvent(key: string) {
  return {
    Records: [
      {
        eventSource: 'pixtag',
        eventName: 'pixtag:Retag',
        // S3 URL-encodes keys in events (space as +); a retag event does the same.
        s3: { object: { key: encodeURIComponent(key).replace(/%2F/g, '/') } },
      },
    ],
  };
}

export function createLambdaProcessing(options: LambdaProcessingOptions): ProcessingQueue {
  let sdk: Promise<typeof LambdaSdk> | undefined;
  let client: LambdaClient | undefined = options.client;

  return {
    async enqueue(key) {
      // The Lambda SDK loads on the first retag, never on a cold start.
      const { LambdaClient, InvokeCommand } = await (sdk ??= import('@aws-sdk/client-lambda'));
      client ??= new LambdaClient({ region: options.region });
      try {
        await client.send(
          new InvokeCommand({
            FunctionName: options.functionName,
            InvocationType: 'Event',
            Payload: Buffer.from(JSON.stringify(retagEvent(key))),
          }),
        );
      } catch (error) {
        throw new TransientError('could not queue the image for tagging', { cause: error });
      }
    },
    // An S3 event cannot be recalled; processUpload skips an image that no longer exists.
    async cancel() {},
    // Nothing on AWS looks again at an upload that never came (see the README's limits).
    async expectUpload() {},
  };
}
