// An ImageRecord in the state a test needs, written straight into a catalog: one shape for the
// component tests that seed the app's catalog (search, user tags) instead of uploading photos.
import { randomUUID } from 'node:crypto';
import type { ImageRecord, ImageStatus } from '../../src/domain/image.js';

/**
 * An image of `ownerId` created `second` seconds into 2025-06-01, with the model's tags `names`
 * (highest first) when tagged, and the error a failed image has.
 */
export function imageRecord(
  ownerId: string,
  second: number,
  status: ImageStatus,
  names: string[] = [],
): ImageRecord {
  const createdAt = new Date(Date.UTC(2025, 5, 1, 0, 0, second)).toISOString();
  return {
    id: randomUUID(),
    ownerId,
    filename: `photo-${second}.jpg`,
    contentType: 'image/jpeg',
    size: 100,
    status,
    tags:
      status === 'tagged'
        ? names.map((name, k) => ({ name, confidence: 0.9 - k / 100, source: 'model' as const }))
        : [],
    createdAt,
    ...(status === 'failed' ? { error: 'This is not an image.' } : {}),
    ...(status === 'tagged' ? { taggedAt: createdAt } : {}),
  };
}

/** The `sub` of a bearer token: the owner id the app files the caller's images under. */
export function ownerOf(token: string): string {
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
    sub: unknown;
  };
  return String(claims.sub);
}
