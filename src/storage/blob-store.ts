// The BlobStore port: where image bytes live. Adapters: local.ts (files under DATA_DIR, signed
// URLs served by this app through local-upload-endpoint.ts) and s3.ts. Both pass
// test/contract/blob-store.contract.ts. Its failures are the errors below, TransientError or a
// plain Error; never an HTTP status.

export interface UploadSpec {
  contentType: string;
  /** Exact byte length; the signed request refuses any other. */
  size: number;
}

export interface SignedRequest {
  url: string;
  method: 'PUT';
  /** Headers the client must send exactly as given. */
  headers: Record<string, string>;
  /** ISO 8601. */
  expiresAt: string;
}

export interface BlobStore {
  createUploadUrl(key: string, upload: UploadSpec): Promise<SignedRequest>;
  createDownloadUrl(key: string): Promise<string>;
  /**
   * createDownloadUrl of each key, in order: what a page of images asks for (up to 40 URLs), in
   * one call, so an adapter that signs locally spends no promise per URL.
   */
  createDownloadUrls(keys: readonly string[]): Promise<string[]>;
  /** The object's bytes; throws BlobNotFoundError when absent, BlobTooLargeError past maxBytes. */
  read(key: string, maxBytes: number): Promise<Buffer>;
  /** Stores bytes the app made itself (a thumbnail), replacing any object at the key. */
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** Removes the object; removing an absent object is not an error. */
  remove(key: string): Promise<void>;
  /**
   * Optional: names the period the current time is in, during which createDownloadUrl returns
   * the same URL for a key, so a response holding download URLs can be reused until it changes.
   * undefined (or no method): every call may sign a different URL, and nothing may be reused.
   */
  downloadUrlPeriod?(): Promise<string | undefined>;
}

export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  constructor(readonly key: string) {
    super(`no object at ${key}`);
  }
}

export class BlobTooLargeError extends Error {
  override readonly name = 'BlobTooLargeError';
  constructor(
    readonly key: string,
    readonly maxBytes: number,
  ) {
    super(`object at ${key} is larger than ${maxBytes} bytes`);
  }
}
