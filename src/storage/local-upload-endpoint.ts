// The other end of the local store's signed URLs: what /files/* (http/routes/files.ts) does with
// a request. It checks the request against what was signed, streams an upload's body into place,
// and opens an object for download. It refuses with domain errors (UploadRejected,
// UploadMalformed, UploadTooLarge, UploadInterrupted); the route's error handler gives each its
// status. Knows files, signatures and streams, nothing of HTTP.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  UploadInterrupted,
  UploadMalformed,
  UploadRejected,
  UploadTooLarge,
} from '../domain/errors.js';
import { isSafeKey, type BlobFolder } from './local-blob-folder.js';
import type { SignedTerms, UrlSigner } from './url-signer.js';

/** A request to a signed URL, as the route read it. */
export interface SignedFileRequest {
  method: 'GET' | 'PUT';
  key: string;
  query: Record<string, unknown>;
  contentType?: string | undefined;
  contentLength?: string | undefined;
}

/** An object ready to be served: its bytes as a stream, its size, its first bytes. */
export interface OpenedBlob {
  stream: Readable;
  size: number;
  /** Up to 16 bytes, to tell the object's real type. */
  head: Buffer;
}

/** What the /files/* route needs; LocalBlobStore hands it this endpoint's. */
export interface UploadEndpoint {
  /**
   * Checks a request against its signed URL: the signature, the expiry, and for a PUT the content
   * type and length it was signed for. Returns the signed terms; throws UploadRejected (forged,
   * altered, expired) or UploadMalformed (another length) otherwise.
   */
  verifyRequest(request: SignedFileRequest): SignedTerms;
  /**
   * Streams exactly `size` bytes to a temporary file, then renames it into place, so a reader
   * never sees a partial object. More bytes than `size`: UploadTooLarge; fewer: UploadMalformed;
   * the body ends early: UploadInterrupted. Nothing is kept then.
   */
  write(key: string, body: Readable, size: number): Promise<void>;
  /** The object to serve; BlobNotFoundError when there is none. */
  openRead(key: string): Promise<OpenedBlob>;
}

export class LocalUploadEndpoint implements UploadEndpoint {
  constructor(
    private readonly folder: BlobFolder,
    private readonly signer: UrlSigner,
    /** The clock in milliseconds. */
    private readonly now: () => number,
  ) {}

  verifyRequest(request: SignedFileRequest): SignedTerms {
    const { query } = request;
    const text = (name: string) => (typeof query[name] === 'string' ? query[name] : undefined);
    const signature = text('signature');
    const expires = Number(text('expires'));
    if (!signature || !Number.isSafeInteger(expires) || !isSafeKey(request.key)) {
      throw new UploadRejected('The URL is not signed. Ask the API for a new one.');
    }
    const terms: SignedTerms = { method: request.method, key: request.key, expires };
    if (request.method === 'PUT') {
      terms.contentType = text('contentType') ?? '';
      terms.size = Number(text('size'));
    }
    if (!this.signer.verify(terms, signature)) {
      throw new UploadRejected(
        'The URL signature does not match. Use the URL exactly as the API gave it.',
      );
    }
    if (expires * 1000 < this.now()) {
      throw new UploadRejected('The URL has expired. Ask the API for a new one.');
    }
    if (request.method === 'PUT') {
      if (mediaType(request.contentType) !== terms.contentType) {
        throw new UploadRejected(
          `The Content-Type header must be ${terms.contentType}, as signed.`,
        );
      }
      if (request.contentLength !== String(terms.size)) {
        throw new UploadMalformed(
          `The Content-Length header must be ${terms.size}, the size this upload was signed for.`,
        );
      }
    }
    return terms;
  }

  async write(key: string, body: Readable, size: number): Promise<void> {
    const target = this.folder.pathOf(key);
    const temporary = this.folder.incomingPath();
    let received = 0;
    try {
      await pipeline(
        body,
        async function* cap(source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            received += chunk.length;
            if (received > size) {
              throw new UploadTooLarge(
                `The upload is larger than ${size} bytes, the size it was signed for.`,
              );
            }
            yield chunk;
          }
        },
        createWriteStream(temporary, { flags: 'wx', mode: 0o600 }),
      );
      if (received !== size) {
        throw new UploadMalformed(`The upload ended after ${received} of ${size} bytes.`);
      }
      await mkdir(join(target, '..'), { recursive: true });
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') {
        throw new UploadInterrupted({ cause: error });
      }
      throw error;
    }
  }

  async openRead(key: string): Promise<OpenedBlob> {
    const handle = await this.folder.openFile(key);
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
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}
