import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import type { StorageConfig } from '../../src/config.js';
import { contentSecurityPolicy } from '../../src/http/content-security-policy.js';
import { storageOriginOf } from '../../src/storage/storage-origin.js';

type S3Storage = Extract<StorageConfig, { kind: 's3' }>;

/** The origin the SDK's own presigner gives a download URL, as S3BlobStore signs them. */
async function presignedOrigin(storage: S3Storage): Promise<string> {
  const client = new S3Client({
    region: storage.region,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    ...(storage.endpoint ? { endpoint: storage.endpoint } : {}),
    forcePathStyle: storage.forcePathStyle,
  });
  const url = await getSignedUrl(
    client,
    new GetObjectCommand({ Bucket: storage.bucket, Key: 'u/a/b' }),
  );
  return new URL(url).origin;
}

describe('storageOriginOf', () => {
  it('when storage is local, then it is the origin of PUBLIC_URL', () => {
    expect(
      storageOriginOf({ publicUrl: 'http://localhost:3000', storage: { kind: 'local' } }),
    ).toBe('http://localhost:3000');
  });

  const cases: Array<[string, S3Storage]> = [
    [
      'AWS, virtual-hosted',
      { kind: 's3', bucket: 'pix-images', region: 'eu-west-1', forcePathStyle: false },
    ],
    [
      'AWS us-east-1',
      { kind: 's3', bucket: 'pix-images', region: 'us-east-1', forcePathStyle: false },
    ],
    [
      'AWS, a dotted bucket name',
      { kind: 's3', bucket: 'pix.images', region: 'eu-west-1', forcePathStyle: false },
    ],
    [
      'AWS, path style forced',
      { kind: 's3', bucket: 'pix-images', region: 'eu-west-1', forcePathStyle: true },
    ],
    [
      'AWS China',
      { kind: 's3', bucket: 'pix-images', region: 'cn-north-1', forcePathStyle: false },
    ],
    [
      'an emulator on an IP',
      {
        kind: 's3',
        bucket: 'b',
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:4568',
        forcePathStyle: false,
      },
    ],
    [
      'an emulator on localhost',
      {
        kind: 's3',
        bucket: 'b',
        region: 'eu-west-1',
        endpoint: 'http://localhost:4568',
        forcePathStyle: false,
      },
    ],
    [
      'an emulator by name, path style',
      {
        kind: 's3',
        bucket: 'b',
        region: 'eu-west-1',
        endpoint: 'http://minio.test:9000',
        forcePathStyle: true,
      },
    ],
    [
      'an emulator by name, virtual-hosted',
      {
        kind: 's3',
        bucket: 'b',
        region: 'eu-west-1',
        endpoint: 'http://minio.test:9000',
        forcePathStyle: false,
      },
    ],
    [
      'a bucket name no host name can hold',
      { kind: 's3', bucket: 'Pix_Images', region: 'eu-west-1', forcePathStyle: false },
    ],
  ];
  it.each(cases)(
    'when S3 is %s, then it is the origin the SDK presigns for',
    async (_name, storage) => {
      expect(storageOriginOf({ publicUrl: 'http://unused.test', storage })).toBe(
        await presignedOrigin(storage),
      );
    },
  );
});

describe('contentSecurityPolicy', () => {
  it('when built for a store, then images and uploads may use it and nothing else is opened up', () => {
    const policy = contentSecurityPolicy('https://b.s3.eu-west-1.amazonaws.com');
    expect(policy['img-src']).toEqual(["'self'", 'data:', 'https://b.s3.eu-west-1.amazonaws.com']);
    expect(policy['connect-src']).toEqual(["'self'", 'https://b.s3.eu-west-1.amazonaws.com']);
    expect(policy['script-src']).toEqual(["'self'"]);
    expect(policy['style-src']).toEqual(["'self'"]);
    expect(Object.values(policy).flat().join(' ')).not.toMatch(/\*|unsafe|https:(?!\/)/);
  });
});
