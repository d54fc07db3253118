// Where the chosen BlobStore's signed URLs point, for the web gallery's Content-Security-Policy
// (http/content-security-policy.ts) to allow images and uploads from there. Pure: it reads the
// storage config only and loads no SDK, so `api` computes it at no cold-start cost.
import type { Config } from '../config.js';

/**
 * The origin of the URLs the BlobStore signs. Locally that is PUBLIC_URL (which need not be the
 * origin a person opens the page on: localhost vs 127.0.0.1). On S3 it follows the SDK's own
 * endpoint rules (test/unit/content-security-policy.test.ts compares with its presigner):
 * virtual-hosted `https://<bucket>.s3.<region>.amazonaws.com` (or `<bucket>.<emulator host>`),
 * path-style (the endpoint's own origin) for dotted bucket names, S3_FORCE_PATH_STYLE or an
 * endpoint on an IP address.
 */
export function storageOriginOf(config: Pick<Config, 'publicUrl' | 'storage'>): string {
  const storage = config.storage;
  if (storage.kind === 'local') return new URL(config.publicUrl).origin;
  const endpoint = new URL(
    storage.endpoint ??
      `https://s3.${storage.region}.amazonaws.com${storage.region.startsWith('cn-') ? '.cn' : ''}`,
  );
  // The SDK puts the bucket in the host name only when it is a valid DNS label (no dots) and the
  // endpoint is not an IP address.
  const pathStyle =
    storage.forcePathStyle ||
    !/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(storage.bucket) ||
    /^\d+\.\d+\.\d+\.\d+$|^\[.*\]$/.test(endpoint.hostname);
  if (!pathStyle) endpoint.hostname = `${storage.bucket}.${endpoint.hostname}`;
  return endpoint.origin;
}
