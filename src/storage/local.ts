// BlobStore on the local file system: objects are files under <DATA_DIR>/blobs
// (local-blob-folder.ts), and the URLs it signs point at this app's own /files/* route, whose side
// is local-upload-endpoint.ts. Knows files and signatures, nothing of HTTP.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { BlobStore, SignedRequest, UploadSpec } from './blob-store.js';
import { BlobTooLargeError } from './blob-store.js';
import { BlobFolder, checkKey } from './local-blob-folder.js';
import {
  LocalUploadEndpoint,
  type OpenedBlob,
  type SignedFileRequest,
  type UploadEndpoint,
} from './local-upload-endpoint.js';
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

/** About 2 MB of URLs; a step that asks for more starts over (only the HMACs are lost). */
const MAX_CACHED_DOWNLOAD_URLS = 10_000;

export class LocalBlobStore implements BlobStore, UploadEndpoint {
  /** Download URLs signed in the current expiry step, by key (see createDownloadUrl). */
  private downloadUrls = { issuedAt: Number.NaN, byKey: new Map<string, string>() };

  private readonly endpoint: LocalUploadEndpoint;

  private constructor(
    private readonly folder: BlobFolder,
    private readonly signer: UrlSigner,
    private readonly options: LocalBlobStoreOptions,
  ) {
    this.endpoint = new LocalUploadEndpoint(folder, signer, () => this.now());
  }

  static async open(options: LocalBlobStoreOptions): Promise<LocalBlobStore> {
    const secret = await readOrCreateSecret(join(options.dataDir, 'keys', 'url-signing.key'));
    const folder = await BlobFolder.open(options.dataDir);
    return new LocalBlobStore(folder, new UrlSigner(secret), options);
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
      url: `${this.options.publicUrl}/files/${key}?${query.toString()}`,
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
    return this.downloadUrl(key, this.downloadIssuedAt());
  }

  async createDownloadUrls(keys: readonly string[]): Promise<string[]> {
    const issuedAt = this.downloadIssuedAt();
    return keys.map((key) => this.downloadUrl(key, issuedAt));
  }

  /** The expiry step createDownloadUrl is in: its URLs are the same until the step changes. */
  async downloadUrlPeriod(): Promise<string> {
    return String(this.downloadIssuedAt());
  }

  async read(key: string, maxBytes: number): Promise<Buffer> {
    const handle = await this.folder.openFile(key);
    try {
      const { size } = await handle.stat();
      if (size > maxBytes) throw new BlobTooLargeError(key, maxBytes);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  /** Lands the way an upload does (local-upload-endpoint.ts), so no reader sees half of it. */
  async put(key: string, bytes: Buffer): Promise<void> {
    await this.endpoint.write(key, Readable.from([bytes]), bytes.length);
  }

  async remove(key: string): Promise<void> {
    await rm(this.folder.pathOf(key), { force: true });
  }

  // The /files/* side lives in local-upload-endpoint.ts; it is reached through the store because
  // the app is handed one local store (the route, and tests that drop bytes in as an upload).
  verifyRequest(request: SignedFileRequest): SignedTerms {
    return this.endpoint.verifyRequest(request);
  }

  write(key: string, body: Readable, size: number): Promise<void> {
    return this.endpoint.write(key, body, size);
  }

  openRead(key: string): Promise<OpenedBlob> {
    return this.endpoint.openRead(key);
  }

  private downloadUrl(key: string, issuedAt: number): string {
    const urls = this.downloadUrls;
    if (urls.issuedAt !== issuedAt || urls.byKey.size >= MAX_CACHED_DOWNLOAD_URLS) {
      this.downloadUrls = { issuedAt, byKey: new Map() };
    }
    const cached = this.downloadUrls.byKey.get(key);
    if (cached !== undefined) return cached;
    const expires = issuedAt + this.options.downloadTtlSeconds;
    const signature = this.signer.sign({ method: 'GET', key: checkKey(key), expires });
    // expires is digits and the signature base64url: neither needs escaping.
    const url = `${this.options.publicUrl}/files/${key}?expires=${expires}&signature=${signature}`;
    this.downloadUrls.byKey.set(key, url);
    return url;
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
