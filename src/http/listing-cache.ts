// Finished JSON bodies of listing responses (GET /images, /tags, /tags/:tag/images), so a page
// asked for again costs about what sending its bytes costs: no SQLite read, no views, no
// JSON.stringify (together about three quarters of such a request's CPU, bench/http.ts).
// Whether a body is still current is not decided here: the key holds the owner and the listing
// version (images/read-images.ts listingVersion), so any change makes new keys and the old
// bodies are never asked for again; they age out of this LRU. Bounded by count and by size.
export interface ListingCacheLimits {
  entries: number;
  /** Sum of the bodies' lengths in UTF-16 code units (≈ bytes for this ASCII-mostly JSON). */
  chars: number;
}

const DEFAULT_LIMITS: ListingCacheLimits = { entries: 1_000, chars: 8_000_000 };

export class ListingCache {
  /** Map keeps insertion order: the first entry is the least recently used. */
  private readonly bodies = new Map<string, string>();
  private chars = 0;

  constructor(private readonly limits: ListingCacheLimits = DEFAULT_LIMITS) {}

  /**
   * The cached body for `key`, else make() serialised and kept. No key (the adapters cannot tell
   * when a listing changes): make() every time.
   */
  async json(key: readonly unknown[] | undefined, make: () => Promise<unknown>): Promise<string> {
    if (key === undefined) return JSON.stringify(await make());
    // JSON of the parts: unambiguous whatever characters an owner id or a tag holds.
    const text = JSON.stringify(key);
    const hit = this.bodies.get(text);
    if (hit !== undefined) {
      this.bodies.delete(text);
      this.bodies.set(text, hit);
      return hit;
    }
    const body = JSON.stringify(await make());
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
