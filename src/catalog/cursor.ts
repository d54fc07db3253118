// The opaque page cursor shared by every ImageCatalog adapter: the (createdAt, id) of the last
// image of a page, the keyset the next page starts after, bound to the order and the filters of
// the listing that made it (a position read in the other direction, or under other filters,
// would quietly skip or repeat images). Clients must treat it as opaque; anything that does not
// decode to exactly that shape, or was made for another listing, is the client's fault (400),
// never a 500.
import { InvalidCursor } from '../domain/errors.js';
import type { ListOrder } from './image-catalog.js';

export interface CursorPosition {
  /** ISO 8601, as stored on the image. */
  createdAt: string;
  id: string;
}

/** What a cursor is only good for: list-query.ts makes it from a query. */
export interface CursorBinding {
  order: ListOrder;
  /** A fingerprint of the filters; '' for none. */
  filters: string;
}

/** Longer than any cursor encodeCursor makes for a sane id; bounds the work spent on garbage. */
const MAX_CURSOR_LENGTH = 512;
const MAX_ID_LENGTH = 256;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const NEWEST: CursorBinding = { order: 'newest', filters: '' };

export function encodeCursor(position: CursorPosition, binding: CursorBinding = NEWEST): string {
  const parts = [position.createdAt, position.id, binding.order, binding.filters];
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/**
 * Throws InvalidCursor (and nothing else) for a cursor encodeCursor did not make, or made for
 * another binding. A two-part cursor (API v1, before orders and filters) reads as `newest` with
 * its filters unchecked: v1 listings were only ever newest first.
 */
export function decodeCursor(cursor: string, binding: CursorBinding = NEWEST): CursorPosition {
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
  if (!Array.isArray(decoded) || (decoded.length !== 2 && decoded.length !== 4)) {
    return invalid('It has the wrong shape.');
  }
  const [createdAt, id, order = 'newest', filters] = decoded as unknown[];
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
  if (order !== 'newest' && order !== 'oldest') return invalid('It has no valid order.');
  if (order !== binding.order) {
    return invalid(`It was made for order=${order}, not order=${binding.order}.`);
  }
  if (decoded.length === 4 && filters !== binding.filters) {
    return invalid('It was made for other filters: start again without a cursor.');
  }
  return { createdAt, id };
}

function invalid(message: string): never {
  throw new InvalidCursor(message);
}
