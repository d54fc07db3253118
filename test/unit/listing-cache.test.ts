import { describe, expect, it } from 'vitest';
import { asksForFresh, imageListingKey, ListingCache } from '../../src/http/listing-cache.js';
import type { ListQuery } from '../../src/catalog/image-catalog.js';

/** A cache and how many times it had to make a body. */
function counting(limits?: { entries: number; chars: number }) {
  const cache = new ListingCache(async () => undefined, limits);
  let made = 0;
  const json = (key: unknown[] | undefined, body: unknown = { key }, fresh = false) =>
    cache.json(
      key,
      async () => {
        made += 1;
        return JSON.stringify(body);
      },
      fresh,
    );
  return { cache, json, made: () => made };
}

describe('ListingCache', () => {
  it('when the same key is asked for again, then the body is not made again', async () => {
    const { json, made } = counting();
    expect(await json(['a', '1'])).toBe('{"key":["a","1"]}');
    expect(await json(['a', '1'])).toBe('{"key":["a","1"]}');
    expect(made()).toBe(1);
  });

  it('when there is no key (a version nobody can tell), then every call makes the body', async () => {
    const { cache, json, made } = counting();
    await json(undefined);
    await json(undefined);
    expect(made()).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('when parts would join into the same text, then they are still different keys', async () => {
    const { json, made } = counting();
    await json(['a,b', 'c']);
    await json(['a', 'b,c']);
    expect(made()).toBe(2);
  });

  it('when entries pass the limit, then the least recently used goes first', async () => {
    const { cache, json, made } = counting({ entries: 2, chars: 1_000_000 });
    await json(['a']);
    await json(['b']);
    await json(['a']); // a is now the most recently used
    await json(['c']); // evicts b
    expect(cache.size).toBe(2);
    expect(made()).toBe(3);
    await json(['a']);
    expect(made()).toBe(3);
    await json(['b']);
    expect(made()).toBe(4);
  });

  it('when bodies pass the size limit, then old ones go and a huge one is not kept', async () => {
    // Each body is 40 characters (with its quotes); a tenth of the limit is the most one may be.
    const { cache, json, made } = counting({ entries: 100, chars: 400 });
    for (let k = 0; k < 20; k++) await json([k], 'x'.repeat(38));
    expect(cache.size).toBe(10);
    await json([19]);
    expect(made()).toBe(20);
    await json(['huge'], 'x'.repeat(50));
    await json(['huge'], 'x'.repeat(50));
    expect(made()).toBe(22);
    expect(cache.size).toBe(10);
  });
});

describe('ListingCache, asked for a fresh body', () => {
  it('when a body is kept, then a fresh request makes it again and keeps the new one', async () => {
    const { cache, json, made } = counting();
    expect(await json(['a'], 'old')).toBe('"old"');
    expect(await json(['a'], 'new', true)).toBe('"new"');
    expect(made()).toBe(2);
    expect(cache.size).toBe(1);
    // The next ordinary request gets the newer body, without making it.
    expect(await json(['a'], 'unused')).toBe('"new"');
    expect(made()).toBe(2);
  });

  it('when the header asks for no-cache or max-age=0, then fresh; other directives not', () => {
    for (const value of ['no-cache', 'No-Cache', 'max-age=0', 'private, no-cache', 'max-age = "0"'])
      expect(asksForFresh(value), value).toBe(true);
    for (const value of [undefined, '', 'max-age=60', 'no-store', 'max-age=0-1', 'xno-cache'])
      expect(asksForFresh(value), String(value)).toBe(false);
  });
});

describe('imageListingKey', () => {
  const base: ListQuery = { tags: ['dog'], limit: 20 };
  const key = (query: ListQuery) => JSON.stringify(imageListingKey(query));

  it('when two queries ask for the same page, then one key', () => {
    expect(key({ ...base, tags: ['dog', 'cat'] })).toBe(
      key({ ...base, tags: ['cat', 'dog', 'cat'] }),
    );
    expect(key(base)).toBe(key({ ...base, order: 'newest', anyTags: [], notTags: [] }));
    expect(key(base)).toBe(key({ ...base, untagged: false, cursor: undefined }));
  });

  it('when any filter, the order, the limit or the cursor differs, then another key', () => {
    const variants: ListQuery[] = [
      base,
      { ...base, tags: [] },
      { ...base, anyTags: ['cat'] },
      { ...base, notTags: ['cat'] },
      { ...base, anyTags: ['cat'], notTags: ['car'] },
      { ...base, anyTags: ['car'], notTags: ['cat'] },
      { ...base, status: 'tagged' },
      { ...base, status: 'failed' },
      { ...base, untagged: true },
      { ...base, order: 'oldest' },
      { ...base, limit: 21 },
      { ...base, cursor: 'abc' },
    ];
    expect(new Set(variants.map(key)).size).toBe(variants.length);
  });
});
