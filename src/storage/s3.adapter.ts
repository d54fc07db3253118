// STORAGE=s3: objects in an S3 bucket, behind URLs S3 presigns (storage/s3.ts). The client and
// presigner load on the first request that needs them, not on a cold start. Uploads go straight
// to S3, whose events reach the onUpload function: the ProcessingQueue is the Lambda one.
import * as z from 'zod';
import { storageAdapter } from '../adapter-descriptor.js';
import { httpUrl, name } from '../env-schemas.js';
import { lazyPort } from '../lazy-port.js';
import type { BlobStore } from './blob-store.js';
import type { S3BlobStoreOptions } from './s3.js';

export type S3Settings = Pick<S3BlobStoreOptions, 'bucket' | 'region' | 'endpoint'> & {
  forcePathStyle: boolean;
};

export const s3BlobStorage = storageAdapter({
  kind: 's3',
  processing: 'lambda',
  envSchema: z.object({
    S3_BUCKET: name.optional(),
    S3_ENDPOINT: httpUrl.optional(),
    S3_FORCE_PATH_STYLE: z
      .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
      .transform((value) => value === 'true' || value === '1')
      .optional(),
  }),
  settings: (variables, { region, need }): S3Settings => ({
    bucket: need('S3_BUCKET', variables.S3_BUCKET),
    region: need('AWS_REGION', region),
    ...(variables.S3_ENDPOINT ? { endpoint: variables.S3_ENDPOINT } : {}),
    forcePathStyle: variables.S3_FORCE_PATH_STYLE ?? false,
  }),
  async create(settings, { uploadUrlTtlSeconds }) {
    const blobs = lazyPort<BlobStore>(async () => {
      const { S3BlobStore } = await import('./s3.js');
      return new S3BlobStore({
        ...settings,
        uploadTtlSeconds: uploadUrlTtlSeconds,
        downloadTtlSeconds: uploadUrlTtlSeconds,
      });
    });
    return { blobs };
  },
});
