// What a ListQuery means, written once for every ImageCatalog adapter: the filters deduplicated
// and sorted, the redundant ones dropped, the ones that can match nothing recognised before any
// read, and the cursor checked against the order and filters it was made for (cursor.ts).
// Imports only the domain and the catalog's own modules.
import type { ImageStatus } from '../domain/image.js';
import { searchWords } from '../domain/search-words.js';
import { decodeCursor, encodeCursor, type CursorBinding, type CursorPosition } from './cursor.js';
import type { ListOrder, ListQuery } from './image-catalog.js';

export interface Filters {
  /** Every one (AND), sorted, unique. */
  all: string[];
  /** At least one (OR); empty when there is no such filter or `all` already implies it. */
  any: string[];
  /** None of them (NOT); never holds a name of `all` or `any`. */
  none: string[];
  status: ImageStatus | undefined;
  /** Tagged with no tag at all (then all, any and none are empty, and status is `tagged`). */
  untagged: boolean;
  /** q's words (searchWords), sorted, unique; each must start a word of the image's text. */
  words: string[];
}

export interface NormalQuery extends Filters {
  order: ListOrder;
  limit: number;
  /** The position the page starts after, from the cursor (already checked). */
  after: CursorPosition | undefined;
  /** The filters can match no image: answer an empty page without reading anything. */
  matchesNothing: boolean;
  binding: CursorBinding;
}

const unique = (names: readonly string[] | undefined) => [...new Set(names ?? [])].sort(compare);

/** Throws InvalidCursor for a cursor that is not one made for this order and these filters. */
export function normaliseListQuery(query: ListQuery): NormalQuery {
  const all = unique(query.tags);
  let any = unique(query.anyTags);
  let none = unique(query.notTags);
  const untagged = query.untagged === true;
  const words = unique(searchWords(query.q ?? ''));
  const order = query.order ?? 'newest';
  // Bound to the filters as asked (before simplifying), so the fingerprint is plain to recompute.
  // v2's words are appended only when there are some, so a v1 listing's cursor still fits.
  const asked: unknown[] = [all, any, none, query.status ?? null, untagged];
  if (words.length > 0) asked.push(words);
  const noFilters =
    all.length + any.length + none.length + words.length === 0 && !query.status && !untagged;
  const binding: CursorBinding = { order, filters: noFilters ? '' : fingerprint(asked) };
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, binding);

  let matchesNothing = all.some((name) => none.includes(name));
  const anyAsked = any.length > 0;
  any = any.filter((name) => !none.includes(name));
  if (anyAsked && any.length === 0) matchesNothing = true;
  // An image with every tag of `all` has one of `any` when they share a name.
  if (any.some((name) => all.includes(name))) any = [];
  none = none.filter((name) => !all.includes(name));
  let status = query.status;
  if (untagged) {
    if (status !== undefined && status !== 'tagged') matchesNothing = true;
    status = 'tagged';
    if (all.length > 0 || anyAsked) matchesNothing = true;
    none = []; // an image with no tag has none of them
  }
  return {
    all,
    any,
    none,
    status,
    untagged,
    words,
    order,
    limit: query.limit,
    after,
    matchesNothing,
    binding,
  };
}

export function nextCursor(query: NormalQuery, last: CursorPosition | undefined): string | null {
  return last === undefined ? null : encodeCursor(last, query.binding);
}

/** FNV-1a (32 bits) of the filters' JSON: short, and enough to tell one listing from another. */
function fingerprint(value: unknown): string {
  const text = JSON.stringify(value);
  let hash = 0x811c9dc5;
  for (let k = 0; k < text.length; k += 1) {
    hash ^= text.charCodeAt(k);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

// Code-unit order, as SQLite's BINARY collation and OpenSearch's keyword terms sort names.
export const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
