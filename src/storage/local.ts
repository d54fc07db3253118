// BlobStore on the local file system: objects are files under <DATA_DIR>/blobs, and the signed
// URLs point at this app's own /files/* route (http/routes/files.ts), which calls
// verifyRequest, write and openRead below. Knows files and signatures, nothing of HTTP.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, forbidden } from '../http/http-error.js';
import type { BlobStore, SignedRequest, UploadSpec } from './blob-store.js';
import { BlobNotFoundError, BlobTooLargeError } from './blob-store.js';
import { readOrCreateSecret } from '../secret-file.js';
import { UrlSigner, type SignedTerms } from './url-signer.js';

export interface LocalBlobStoreOptions {
  dataDir: string;
  /** Base URL of this app, without a trailing slash. */
  publicUrl: string;
  uploadTtlSeconds: number;
  downloadTtlSeconds: number;
  /** For tests: the clock in milliseconds. */
  now?: () => number;
}

/** Keys are slash-separated segments of safe characters: nothing can escape the blob folder. */
const SAFE_KEY =
  /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}\/){0,7}[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** About 2 MB of URLs; a step that asks for more starts over (only the HMACs are lost). */
const MAX_CACHED_DOWNLOAD_URLS = 10_000;

export class LocalBlobStore implements BlobStore {
  /** Download URLs signed in the current expiry step, by key (see createDownloadUrl). */
  private downloadUrls = { issuedAt: Number.NaN, byKey: new Map<string, string>() };

  private constructor(
    private readonly root: string,
    private readonly signer: UrlSigner,
    private readonly options: LocalBlobStoreOptions,
  ) {}

  static async open(options: LocalBlobStoreOptions): Promise<LocalBlobStore> {
    const secret = await readOrCreateSecret(join(options.dataDir, 'keys', 'url-signing.key'));
    const root = join(options.dataDir, 'blobs');
    await mkdir(join(root, '.incoming'), { recursive: true });
    return new LocalBlobStore(root, new UrlSigner(secret), options);
  }

  async createUploadUrl(key: string, upload: UploadSpec): Promise<SignedRequest> {
    const expires = this.expiry(this.options.uploadTtlSeconds);
    const terms: SignedTerms = { method: 'PUT', key: checkKey(key), expires, ...upload };
    const query = new URLSearchParams({
      contentType: upload.contentType,
      size: String(upload.size),
      expires: String(expires),
      signature: this.signer.sign(terms),
    });
    return {
      url: `${this.options.publicUrl}/files/${key}?${query}`,
      method: 'PUT',
      headers: { 'Content-Type': upload.contentType },
      expiresAt: new Date(expires * 1000).toISOString(),
    };
  }

  /**
   * Expiries are rounded down to a step of a tenth of the TTL, so every request for one key within
   * a step gets the same URL, signed once and kept in `downloadUrls`. A URL is valid for 90 to 100%
   * of the TTL, never longer than one signed right now; the cache changes no URL, it only saves
   * the HMAC (a page of 20 images signed 20 URLs a request). Same URLs also let browsers cache.
   */
  async createDownloadUrl(key: string): Promise<string> {
    const ttl = this.options.downloadTtlSeconds;
    const issuedAt = this.downloadIssuedAt();
    const urls = this.downloadUrls;
    if (urls.issuedAt !== issuedAt || urls.byKey.size >= MAX_CACHED_DOWNLOAD_URLS) {
      this.downloadUrls = { issuedAt, byKey: new Map() };
    }
    const cached = this.downloadUrls.byKey.get(key);
    if (cached !== undefined) return cached;
    const expires = issuedAt + ttl;
    const signature = this.signer.sign({ method: 'GET', key: checkKey(key), expires });
    // expires is digits and the signature base64url: neither needs escaping.
    const url = `${this.options.publicUrl}/files/${key}?expires=${expires}&signature=${signature}`;
    this.downloadUrls.byKey.set(key, url);
    return url;
  }

  /** The expiry step createDownloadUrl is in: its URLs are the same until the step changes. */
  async downloadUrlPeriod(): Promise<string> {
    return String(this.downloadIssuedAt());
  }

  async read(key: string, maxBytes: number): Promise<Buffer> {
    const file = this.path(key);
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      throw notFoundOr(error, key);
    }
    try {
      const { size } = await handle.stat();
      if (size > maxBytes) throw new BlobTooLargeError(key, maxBytes);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    await this.write(key, Readable.from([bytes]), bytes.length);
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  /**
   * Checks a request against its signed URL: the signature, the expiry, and for a PUT the content
   * type and length it was signed for. Returns the signed terms; throws a 4xx AppError otherwise.
   */
  verifyRequest(request: {
    method: 'GET' | 'PUT';
    key: string;
    query: Record<string, unknown>;
    contentType?: string | undefined;
    contentLength?: string | undefined;
  }): SignedTerms {
    const { query } = request;
    const text = (name: string) => (typeof query[name] === 'string' ? query[name] : undefined);
    const signature = text('signature');
    const expires = Number(text('expires'));
    if (!signature || !Number.isSafeInteger(expires) || !SAFE_KEY.test(request.key)) {
      throw forbidden('The URL is not signed. Ask the API for a new one.');
    }
    const terms: SignedTerms = { method: request.method, key: request.key, expires };
    if (request.method === 'PUT') {
      terms.contentType = text('contentType') ?? '';
      terms.size = Number(text('size'));
    }
    if (!this.signer.verify(terms, signature)) {
      throw forbidden('The URL signature does not match. Use the URL exactly as the API gave it.');
    }
    if (expires * 1000 < this.now()) {
      throw forbidden('The URL has expired. Ask the API for a new one.');
    }
    if (request.method === 'PUT') {
      if (mediaType(request.contentType) !== terms.contentType) {
        throw forbidden(`The Content-Type header must be ${terms.contentType}, as signed.`);
      }
      if (request.contentLength !== String(terms.size)) {
        throw new AppError(
          400,
          'Bad Request',
          `The Content-Length header must be ${terms.size}, the size this upload was signed for.`,
        );
      }
    }
    return terms;
  }

  /**
   * Streams exactly `size` bytes to a temporary file, then renames it into place, so a reader
   * never sees a partial object. More bytes than `size`: 413; fewer: 400. Nothing is kept then.
   */
  async write(key: string, body: Readable, size: number): Promise<void> {
    const target = this.path(key);
    const temporary = join(this.root, '.incoming', randomUUID());
    let received = 0;
    try {
      await pipeline(
        body,
        async function* cap(source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            received += chunk.length;
            if (received > size) {
              throw new AppError(
                413,
                'Content Too Large',
                `The upload is larger than ${size} bytes, the size it was signed for.`,
              );
            }
            yield chunk;
          }
        },
        createWriteStream(temporary, { flags: 'wx', mode: 0o600 }),
      );
      if (received !== size) {
        throw new AppError(
          400,
          'Bad Request',
          `The upload ended after ${received} of ${size} bytes.`,
        );
      }
      await mkdir(join(target, '..'), { recursive: true });
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') {
        throw new AppError(400, 'Bad Request', 'The upload was interrupted before it ended.');
      }
      throw error;
    }
  }

  /** The object as a stream, its size and its first bytes (to tell its real type). */
  async openRead(key: string): Promise<{ stream: Readable; size: number; head: Buffer }> {
    let handle;
    try {
      handle = await open(this.path(key), 'r');
    } catch (error) {
      throw notFoundOr(error, key);
    }
    try {
      const { size } = await handle.stat();
      const head = Buffer.alloc(Math.min(16, size));
      await handle.read(head, 0, head.length, 0);
      // The stream owns the handle from here and closes it when done.
      return { stream: handle.createReadStream({ start: 0 }), size, head };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  private path(key: string): string {
    return join(this.root, checkKey(key));
  }

  /** Start of the current download step (epoch seconds): a tenth of the TTL, at least 1 s. */
  private downloadIssuedAt(): number {
    const step = Math.max(1, Math.floor(this.options.downloadTtlSeconds / 10));
    return Math.floor(this.now() / 1000 / step) * step;
  }

  private expiry(ttlSeconds: number): number {
    return Math.floor(this.now() / 1000) + ttlSeconds;
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }
}

function checkKey(key: string): string {
  // A programming error, not a client's: keys are made by objectKey(), never taken from input
  // without this check.
  if (!SAFE_KEY.test(key)) throw new Error(`unsafe object key: ${JSON.stringify(key)}`);
  return key;
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

function notFoundOr(error: unknown, key: string): unknown {
  return (error as NodeJS.ErrnoException).code === 'ENOENT' ? new BlobNotFoundError(key) : error;
}
