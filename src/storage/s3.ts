// BlobStore on S3. Uploads and downloads go straight between the client and S3 through presigned
// URLs; the app itself only reads an object to tag it, stores its thumbnail, and deletes both. The one module that imports
// the S3 SDK: everything above sees BlobStore, BlobNotFoundError, BlobTooLargeError,
// TransientError or a plain Error, never an SDK error name.
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { TransientError } from '../domain/errors.js';
import type { BlobStore, SignedRequest, UploadSpec } from './blob-store.js';
import { BlobNotFoundError, BlobTooLargeError } from './blob-store.js';

export interface S3BlobStoreOptions {
  bucket: string;
  region: string;
  /** An S3-compatible endpoint (an emulator); unset for AWS. */
  endpoint?: string;
  forcePathStyle?: boolean;
  uploadTtlSeconds: number;
  downloadTtlSeconds: number;
  /** For tests: a ready client. Otherwise one is built from the options above. */
  client?: S3Client;
}

// content-length and content-type are signed, so S3 itself refuses a PUT of any other size or
// type (403 SignatureDoesNotMatch). The presigner signs only host and content-length by default;
// content-type must be asked for.
const SIGNED_UPLOAD_HEADERS = new Set(['content-type', 'content-length']);

export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(private readonly options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    this.client =
      options.client ??
      new S3Client({
        region: options.region,
        // The SDK's default (WHEN_SUPPORTED) bakes a CRC32 of the *empty* body into a presigned
        // PUT (x-amz-checksum-crc32=AAAAAA==), so every real upload through it would fail.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.forcePathStyle !== undefined ? { forcePathStyle: options.forcePathStyle } : {}),
      });
  }

  async createUploadUrl(key: string, upload: UploadSpec): Promise<SignedRequest> {
    const ttl = this.options.uploadTtlSeconds;
    const signedAt = wholeSecondNow();
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ContentType: upload.contentType,
      ContentLength: upload.size,
      // No SSE parameters: the bucket's default encryption applies, and any x-amz-server-side-*
      // header signed here would be one more header every client had to send.
    });
    const url = await this.call('presign upload', key, () =>
      getSignedUrl(this.client, command, {
        expiresIn: ttl,
        signingDate: signedAt,
        signableHeaders: SIGNED_UPLOAD_HEADERS,
      }),
    );
    return {
      url,
      method: 'PUT',
      // Content-Length is signed too, but every HTTP client sends it on its own (browsers forbid
      // setting it by hand), so it is not listed as a header the client must add.
      headers: { 'Content-Type': upload.contentType },
      // A URL signed with temporary credentials (a Lambda role) also dies with them; the role's
      // session outlives a 15-minute upload URL by far.
      expiresAt: new Date(signedAt.getTime() + ttl * 1000).toISOString(),
    };
  }

  async createDownloadUrl(key: string): Promise<string> {
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: key });
    return this.call('presign download', key, () =>
      getSignedUrl(this.client, command, { expiresIn: this.options.downloadTtlSeconds }),
    );
  }

  async createDownloadUrls(keys: readonly string[]): Promise<string[]> {
    return Promise.all(keys.map((key) => this.createDownloadUrl(key)));
  }

  async read(key: string, maxBytes: number): Promise<Buffer> {
    return this.call('read', key, async () => {
      const output = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      // On Node the SDK's body is the HTTP response stream (an IncomingMessage).
      const body = output.Body as Readable | undefined;
      if (!body) return Buffer.alloc(0);
      if (output.ContentLength !== undefined && output.ContentLength > maxBytes) {
        body.destroy();
        throw new BlobTooLargeError(key, maxBytes);
      }
      // The cap holds even if the length header was missing or wrong: never more than maxBytes
      // in memory. Throwing out of the loop destroys the stream and its socket.
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of body as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > maxBytes) throw new BlobTooLargeError(key, maxBytes);
        chunks.push(chunk);
      }
      return Buffer.concat(chunks, total);
    });
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    await this.call('put', key, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: bytes,
          ContentType: contentType,
        }),
      ),
    );
  }

  async remove(key: string): Promise<void> {
    await this.call('remove', key, async () => {
      try {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
      } catch (error) {
        // S3 answers 204 for an absent key; an emulator may say NoSuchKey. Either way it is gone.
        if (errorName(error) !== 'NoSuchKey') throw error;
      }
    });
  }

  /** Runs one S3 operation and translates its failure at this edge. */
  private async call<T>(action: string, key: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw translate(error, action, key);
    }
  }
}

function wholeSecondNow(): Date {
  // SigV4 dates have whole seconds; expiresAt is computed from the same instant the URL is.
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

/** Throttling and server-side error codes S3 documents as worth retrying. */
const TRANSIENT_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestThrottled',
  'RequestTimeout',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
]);

/** Network failures below HTTP: the service was unreachable or dropped the connection. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape).name : undefined;
}

function translate(error: unknown, action: string, key: string): Error {
  if (error instanceof BlobNotFoundError || error instanceof BlobTooLargeError) return error;
  const shape: SdkErrorShape = typeof error === 'object' && error !== null ? error : {};
  // Only NoSuchKey means "no object": NoSuchBucket is a 404 too, but a configuration fault.
  // Without s3:ListBucket on the bucket, S3 answers a missing key with 403 AccessDenied instead,
  // so the role must have it.
  if (shape.name === 'NoSuchKey') return new BlobNotFoundError(key);
  const status = shape.$metadata?.httpStatusCode;
  const transient =
    (status !== undefined && (status === 429 || status >= 500)) ||
    TRANSIENT_NAMES.has(shape.name ?? '') ||
    NETWORK_CODES.has(shape.code ?? '') ||
    Boolean(shape.$retryable);
  const message = `S3 ${action} of ${key} failed: ${shape.name ?? 'Error'}${status ? ` (${status})` : ''}`;
  return transient
    ? new TransientError(message, { cause: error })
    : new Error(message, { cause: error });
}
