// The Content-Security-Policy of every response, which is what the web gallery (GET /) and the
// API reference (GET /docs, Swagger UI: no inline code either) run under: scripts and styles
// only from this app, and images and uploads also from the one origin the BlobStore's signed
// URLs point at (this app's /files/* locally, the bucket on S3): that origin is the storage's to
// know (storage/storage-origin.ts); this module only writes the policy.

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
