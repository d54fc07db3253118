// The Content-Security-Policy of every response, which is what the web gallery (GET /) runs
// under: scripts and styles only from this app, and images and uploads also from the one origin
// the BlobStore's signed URLs point at (this app's /files/* locally, the bucket on S3).
import type { Config } from '../config.js';

type Directives = Record<string, string[] | null>;

export function contentSecurityPolicy(storageOrigin: string): Directives {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'self'"],
    'object-src': ["'none'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    // helmet's default also allows https: and 'unsafe-inline' styles; the page needs neither.
    'style-src': ["'self'"],
    'font-src': ["'self'"],
    // data: for the page's empty favicon (no /favicon.ico request).
    'img-src': ["'self'", 'data:', storageOrigin],
    // The signed PUT of an upload goes straight to the store.
    'connect-src': ["'self'", storageOrigin],
    // npm start serves plain HTTP, also to phones on a LAN (http://192.168.x.y:3000): upgrading
    // the page's requests to https would break it there. Behind API Gateway every URL the page
    // uses is https already.
    'upgrade-insecure-requests': null,
  };
}

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
