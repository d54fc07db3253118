// Finished JSON bodies of listing responses (GET /images, /tags, /tags/:tag/images), so a page
// asked for again costs about what sending its bytes costs: no SQLite read, no views, no
// serialising (together about three quarters of such a request's CPU, bench/http.ts). The caller
// serialises (a page of images has a writer of its own, image-page-json.ts).
// The one place that decides whether a body is still current: listing() keys every body by its
// owner and the owner's listing version (images/read-images.ts listingVersion), so any change
// makes new keys and the old bodies are never asked for again; they age out of this LRU. Nothing
// else invalidates, and no route builds a key. Bounded by count and by size.
// A request with `Cache-Control: no-cache` (asksForFresh) is never answered from here: its body is
// made as on a miss and then kept, replacing the entry, since it is at least as new as the key.
import type { ListQuery } from '../catalog/image-catalog.js';

export interface ListingCacheLimits {
  entries: number;
  /** Sum of the bodies' lengths in UTF-16 code units (≈ bytes for this ASCII-mostly JSON). */
  chars: number;
}

const DEFAULT_LIMITS: ListingCacheLimits = { entries: 1_000, chars: 8_000_000 };

/** The owner's listing version; undefined when the adapters cannot tell (then nothing is reused). */
export type ListingVersionOf = (ownerId: string) => Promise<string | undefined>;

export class ListingCache {
  /** Map keeps insertion order: the first entry is the least recently used. */
  private readonly bodies = new Map<string, string>();
  private chars = 0;

  constructor(
    private readonly versionOf: ListingVersionOf,
    private readonly limits: ListingCacheLimits = DEFAULT_LIMITS,
  ) {}

  /**
   * The body of one of the owner's listings, `listing` naming which (the route and its query),
   * cached while the owner's listing version stays the same. The version is read before make():
   * a write in between then only makes the kept body newer than its version. `fresh`: make it
   * even when a body is kept (see asksForFresh).
   */
  async listing(
    ownerId: string,
    listing: readonly unknown[],
    make: () => Promise<string>,
    fresh = false,
  ): Promise<string> {
    const version = await this.versionOf(ownerId);
    const key = version === undefined ? undefined : [ownerId, version, ...listing];
    return this.json(key, make, fresh);
  }

  /**
   * The cached body for `key`, else the body make() answers, kept. No key (the adapters cannot
   * tell when a listing changes): make() every time. `fresh`: make() and keep, whatever is kept.
   */
  async json(
    key: readonly unknown[] | undefined,
    make: () => Promise<string>,
    fresh = false,
  ): Promise<string> {
    if (key === undefined) return make();
    // JSON of the parts: unambiguous whatever characters an owner id or a tag holds.
    const text = JSON.stringify(key);
    const hit = fresh ? undefined : this.bodies.get(text);
    if (hit !== undefined) {
      this.bodies.delete(text);
      this.bodies.set(text, hit);
      return hit;
    }
    const body = await make();
    this.keep(text, body);
    return body;
  }

  get size(): number {
    return this.bodies.size;
  }

  private keep(key: string, body: string): void {
    if (body.length > this.limits.chars / 10) return; // one huge page must not empty the cache
    const old = this.bodies.get(key);
    if (old !== undefined) {
      this.bodies.delete(key);
      this.chars -= old.length;
    }
    this.bodies.set(key, body);
    this.chars += body.length;
    for (const [oldest, value] of this.bodies) {
      if (this.bodies.size <= this.limits.entries && this.chars <= this.limits.chars) break;
      this.bodies.delete(oldest);
      this.chars -= value.length;
    }
  }
}

/**
 * Whether a request's Cache-Control asks for a response made now (RFC 9111 5.2.1.4 no-cache, or
 * max-age=0): what a client that knows it changed something behind the API's back may send, and
 * how bench/http.ts measures what a listing costs on a miss.
 */
export function asksForFresh(cacheControl: string | undefined): boolean {
  return cacheControl !== undefined && FRESH.test(cacheControl);
}

const FRESH = /(?:^|,)\s*(?:no-cache|max-age\s*=\s*"?0+"?)\s*(?:,|$)/i;

/**
 * What names a page of images (GET /images, GET /tags/:tag/images): every field of the query,
 * the name lists as sets and the defaults spelled out, so two requests for the same page share
 * one entry and two different pages never do. A new ListQuery field fails to compile here until
 * it is part of the key.
 */
export function imageListingKey(query: ListQuery): unknown[] {
  const { tags, anyTags, notTags, status, untagged, q, order, limit, cursor, ...unkeyed } = query;
  const everyFieldKeyed: Record<string, never> = unkeyed;
  void everyFieldKeyed;
  const set = (names: readonly string[] | undefined) => [...new Set(names ?? [])].sort();
  return [
    'images',
    set(tags),
    set(anyTags),
    set(notTags),
    status ?? null,
    untagged === true,
    q ?? '',
    order ?? 'newest',
    limit,
    cursor ?? null,
  ];
}
