// HMAC signatures for the local store's upload and download URLs: the local twin of an S3
// presigned URL. The signature binds method, key, content type, exact size and expiry, so a
// client can change none of them without the server noticing.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedTerms {
  method: 'GET' | 'PUT';
  key: string;
  /** Unix seconds. */
  expires: number;
  /** PUT only. */
  contentType?: string;
  /** PUT only: the exact byte length. */
  size?: number;
}

export class UrlSigner {
  constructor(private readonly secret: Buffer) {}

  sign(terms: SignedTerms): string {
    const canonical = [
      terms.method,
      terms.key,
      terms.contentType ?? '',
      terms.size ?? '',
      terms.expires,
    ].join('\n');
    return createHmac('sha256', this.secret).update(canonical).digest('base64url');
  }

  /** Whether signature was made by sign() for exactly these terms (constant-time). */
  verify(terms: SignedTerms, signature: string): boolean {
    const expected = Buffer.from(this.sign(terms));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
