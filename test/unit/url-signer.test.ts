import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UrlSigner, type SignedTerms } from '../../src/storage/url-signer.js';

describe('UrlSigner', () => {
  const signer = new UrlSigner(randomBytes(32));
  const terms: SignedTerms = {
    method: 'PUT',
    key: 'u/a/b',
    expires: 1_900_000_000,
    contentType: 'image/png',
    size: 42,
  };

  it('when the terms are unchanged, then the signature verifies', () => {
    expect(signer.verify(terms, signer.sign(terms))).toBe(true);
  });

  it.each<[string, Partial<SignedTerms>]>([
    ['method', { method: 'GET' }],
    ['key', { key: 'u/a/c' }],
    ['expiry', { expires: 1_900_000_001 }],
    ['content type', { contentType: 'image/gif' }],
    ['size', { size: 43 }],
  ])('when the %s changes, then the signature no longer verifies', (_name, change) => {
    expect(signer.verify({ ...terms, ...change }, signer.sign(terms))).toBe(false);
  });

  it('when another secret signed it, or the signature is junk, then it does not verify', () => {
    expect(signer.verify(terms, new UrlSigner(randomBytes(32)).sign(terms))).toBe(false);
    expect(signer.verify(terms, '')).toBe(false);
    expect(signer.verify(terms, 'é'.repeat(43))).toBe(false);
  });
});
