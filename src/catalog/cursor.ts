// The opaque page cursor shared by every ImageCatalog adapter: the (createdAt, id) of the last
// image of a page, the keyset the next page starts after. Clients must treat it as opaque;
// anything that does not decode to exactly that shape is the client's fault (400), never a 500.
import { InvalidCursor } from '../domain/errors.js';

export interface CursorPosition {
  /** ISO 8601, as stored on the image. */
  createdAt: string;
  id: string;
}

/** Longer than any cursor encodeCursor makes for a sane id; bounds the work spent on garbage. */
const MAX_CURSOR_LENGTH = 512;
const MAX_ID_LENGTH = 256;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id]), 'utf8').toString(
    'base64url',
  );
}

/** Throws InvalidCursor (and nothing else) for a cursor encodeCursor did not make. */
export function decodeCursor(cursor: string): CursorPosition {
  if (typeof cursor !== 'string' || cursor.length === 0) return invalid('It is empty.');
  if (cursor.length > MAX_CURSOR_LENGTH) return invalid('It is too long.');
  // Buffer's base64url decoder silently skips foreign characters, so check the alphabet first.
  if (!BASE64URL.test(cursor)) return invalid('It is not base64url.');

  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return invalid('It does not decode.');
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return invalid('It has the wrong shape.');
  const [createdAt, id] = decoded as unknown[];
  if (
    typeof createdAt !== 'string' ||
    !ISO_8601.test(createdAt) ||
    Number.isNaN(Date.parse(createdAt))
  ) {
    return invalid('Its position has no valid time.');
  }
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    return invalid('Its position has no valid id.');
  }
  return { createdAt, id };
}

function invalid(message: string): never {
  throw new InvalidCursor(message);
}
