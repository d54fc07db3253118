// The search part of the ImageCatalog contract (tags, anyTags, notTags, status, untagged, order,
// and paging through each), run by image-catalog.contract.ts for every adapter. Every
// combination of the filters is paged through and compared with a brute-force model of the
// port's meaning (image-catalog.ts ListQuery), over a catalog built to make each filter matter.
import { describe, expect, it } from 'vitest';
import type { ImageCatalog, ListOrder, ListQuery } from '../../src/catalog/image-catalog.js';
import { encodeCursor } from '../../src/catalog/cursor.js';
import type { ImageRecord, ImageStatus } from '../../src/domain/image.js';
import { InvalidCursor } from '../../src/domain/errors.js';

type Setup = () => Promise<{ catalog: ImageCatalog; close(): Promise<void> }>;

const T0 = Date.parse('2025-03-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const VOCABULARY = ['a', 'b', 'c', 'traffic light'];

/**
 * 40 images of alice's, deterministic: every status, tagged ones with 0–3 tags, some sharing a
 * createdAt (the id breaks the tie), and bob's images carrying the same tags.
 */
function catalogImages(): ImageRecord[] {
  const images: ImageRecord[] = [];
  for (let k = 0; k < 44; k += 1) {
    const owner = k % 11 === 10 ? 'bob' : 'alice';
    const status: ImageStatus = k % 9 === 4 ? 'failed' : k % 7 === 3 ? 'pending' : 'tagged';
    const names =
      status === 'tagged' ? VOCABULARY.filter((_, v) => ((k * 5 + 3) >> v) % 3 === 0) : [];
    images.push({
      id: `${(k * 37) % 101}`.padStart(3, '0') + `-image-${k}`,
      ownerId: owner,
      filename: `photo-${k}.jpg`,
      contentType: 'image/jpeg',
      size: 100 + k,
      status,
      tags: names.map((name, i) => ({ name, confidence: 0.9 - i * 0.1, source: 'model' as const })),
      createdAt: at(Math.floor(k / 3)), // three images a second
      ...(status === 'tagged' ? { taggedAt: at(100 + k) } : {}),
      ...(status === 'failed' ? { error: 'This is not an image.' } : {}),
    });
  }
  return images;
}

type Filters = Omit<ListQuery, 'limit' | 'cursor'>;

/** The port's meaning, by brute force. */
function model(images: ImageRecord[], owner: string, q: Filters): string[] {
  const matching = images.filter((image) => {
    const names = image.status === 'tagged' ? image.tags.map((t) => t.name) : [];
    const tagged = image.status === 'tagged';
    return (
      image.ownerId === owner &&
      q.tags.every((name) => names.includes(name)) &&
      (q.tags.length === 0 || tagged) &&
      (!q.anyTags?.length || q.anyTags.some((name) => names.includes(name))) &&
      !(q.notTags ?? []).some((name) => names.includes(name)) &&
      (q.status === undefined || image.status === q.status) &&
      (q.untagged !== true || (tagged && names.length === 0))
    );
  });
  const newest = matching.sort((x, y) =>
    x.createdAt === y.createdAt ? (x.id < y.id ? 1 : -1) : x.createdAt < y.createdAt ? 1 : -1,
  );
  return (q.order === 'oldest' ? newest.reverse() : newest).map((image) => image.id);
}

async function pageThrough(catalog: ImageCatalog, owner: string, q: Filters, limit: number) {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages += 1) {
    const page = await catalog.list(owner, { ...q, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    if (page.nextCursor !== null) expect(page.items).toHaveLength(limit);
    seen.push(...page.items.map((image) => image.id));
    if (page.nextCursor === null) return seen;
    cursor = page.nextCursor;
  }
  throw new Error('pagination never ended');
}

const TAGS = [[], ['a'], ['b', 'a']];
const ANY = [[], ['c', 'b'], ['traffic light'], ['zebra', 'a']];
const NOT = [[], ['c'], ['a', 'traffic light'], ['zebra']];
const STATUS: (ImageStatus | undefined)[] = [undefined, 'tagged', 'pending', 'failed'];
const UNTAGGED = [undefined, true];
const ORDERS: (ListOrder | undefined)[] = [undefined, 'oldest'];

function* combinations(): Generator<Filters> {
  for (const tags of TAGS)
    for (const anyTags of ANY)
      for (const notTags of NOT)
        for (const status of STATUS)
          for (const untagged of UNTAGGED)
            for (const order of ORDERS) yield { tags, anyTags, notTags, status, untagged, order };
}

export function imageCatalogSearchContract(name: string, setup: Setup) {
  async function withImages(test: (catalog: ImageCatalog, images: ImageRecord[]) => Promise<void>) {
    const harness = await setup();
    try {
      const images = catalogImages();
      for (const image of images) await harness.catalog.insert(image);
      await test(harness.catalog, images);
    } finally {
      await harness.close();
    }
  }

  describe(`ImageCatalog search (${name})`, () => {
    it('when paging by 4 through every combination of the filters, then exactly the model’s images, in order', () =>
      withImages(async (catalog, images) => {
        const model0 = model(images, 'alice', { tags: [] });
        expect(new Set(images.map((i) => i.status)).size).toBe(3);
        let nonEmpty = 0;
        for (const q of combinations()) {
          const expected = model(images, 'alice', q);
          if (expected.length > 0 && expected.length < model0.length) nonEmpty += 1;
          expect({ q, ids: await pageThrough(catalog, 'alice', q, 4) }).toEqual({
            q,
            ids: expected,
          });
        }
        // The data makes most combinations choose a real subset, not all or nothing.
        expect(nonEmpty).toBeGreaterThan(150);
      }));

    it('when one filter is given alone, then its own meaning (and a page of 2 pages on)', () =>
      withImages(async (catalog, images) => {
        const alone: Filters[] = [
          { tags: [], anyTags: ['c', 'b'] },
          { tags: [], notTags: ['a'] },
          { tags: [], status: 'failed' },
          { tags: [], status: 'pending' },
          { tags: [], status: 'tagged' },
          { tags: [], untagged: true },
          { tags: [], order: 'oldest' },
          { tags: ['a'], notTags: ['b'] },
        ];
        for (const q of alone) {
          const expected = model(images, 'alice', q);
          expect(expected.length).toBeGreaterThan(1);
          expect(await pageThrough(catalog, 'alice', q, 2)).toEqual(expected);
          expect(await pageThrough(catalog, 'bob', q, 50)).toEqual(model(images, 'bob', q));
        }
        // notTags alone keeps the images that have no tags: pending and failed ones too.
        const notA = await catalog.list('alice', { tags: [], notTags: ['a'], limit: 100 });
        expect(new Set(notA.items.map((i) => i.status))).toEqual(
          new Set(['pending', 'failed', 'tagged']),
        );
        const untagged = await catalog.list('alice', { tags: [], untagged: true, limit: 100 });
        expect(untagged.items.every((i) => i.status === 'tagged' && i.tags.length === 0)).toBe(
          true,
        );
      }));

    it('when tag names hold quotes, brackets or accents, then each filter matches the exact name', async () => {
      const harness = await setup();
      try {
        const names = [['say "hi"', 'café'], ['a["b",', 'café'], ['b', 'café', 'x'], ['x']];
        const images = names.map((tags, k) => ({
          id: `odd-${k}`,
          ownerId: 'carol',
          filename: 'a.jpg',
          contentType: 'image/jpeg',
          size: 1,
          status: 'tagged' as const,
          tags: tags.map((name) => ({ name, confidence: 0.5, source: 'model' as const })),
          createdAt: at(k),
        }));
        for (const image of images) await harness.catalog.insert(image);
        const ids = async (q: Filters) =>
          (await harness.catalog.list('carol', { ...q, limit: 10 })).items.map((i) => i.id);
        expect(await ids({ tags: [], notTags: ['b'] })).toEqual(['odd-3', 'odd-1', 'odd-0']);
        expect(await ids({ tags: ['x'], notTags: ['b'] })).toEqual(['odd-3']);
        expect(await ids({ tags: ['x', 'café'] })).toEqual(['odd-2']);
        expect(await ids({ tags: ['café', 'say "hi"'] })).toEqual(['odd-0']);
        expect(await ids({ tags: ['x'], anyTags: ['b', 'say "hi"'] })).toEqual(['odd-2']);
        expect(await ids({ tags: ['café'], anyTags: ['a["b",'] })).toEqual(['odd-1']);
        expect(await ids({ tags: [], anyTags: ['a["b",', 'b'] })).toEqual(['odd-2', 'odd-1']);
      } finally {
        await harness.close();
      }
    });

    it('when the filters contradict each other, then an empty page and no cursor', () =>
      withImages(async (catalog) => {
        const contradictions: Filters[] = [
          { tags: ['a'], untagged: true },
          { tags: [], anyTags: ['a'], untagged: true },
          { tags: ['a'], status: 'pending' },
          { tags: [], untagged: true, status: 'failed' },
          { tags: ['a'], notTags: ['a'] },
          { tags: [], anyTags: ['b'], notTags: ['b'] },
        ];
        for (const q of contradictions) {
          expect(await catalog.list('alice', { ...q, limit: 5 })).toEqual({
            items: [],
            nextCursor: null,
          });
        }
      }));

    it('when a cursor is used with another order or other filters, then InvalidCursor', () =>
      withImages(async (catalog) => {
        const first = await catalog.list('alice', { tags: ['a'], limit: 2 });
        const cursor = first.nextCursor!;
        expect(cursor).toEqual(expect.any(String));
        const refused: Filters[] = [
          { tags: ['a'], order: 'oldest' },
          { tags: ['b'] },
          { tags: ['a'], notTags: ['c'] },
          { tags: ['a'], status: 'tagged' },
          { tags: [] },
        ];
        for (const q of refused) {
          await expect(catalog.list('alice', { ...q, limit: 2, cursor })).rejects.toBeInstanceOf(
            InvalidCursor,
          );
        }
        // The same filters written another way are the same listing.
        const again = await catalog.list('alice', {
          tags: ['a', 'a'],
          order: 'newest',
          limit: 2,
          cursor,
        });
        expect(again.items.length).toBeGreaterThan(0);
        const oldest = await catalog.list('alice', { tags: [], order: 'oldest', limit: 2 });
        const wrongWay = catalog.list('alice', { tags: [], limit: 2, cursor: oldest.nextCursor! });
        await expect(wrongWay).rejects.toThrow(InvalidCursor);
      }));

    it('when a v1 cursor (a bare position) arrives, then it still pages newest first', () =>
      withImages(async (catalog, images) => {
        const all = model(images, 'alice', { tags: [] });
        const third = images.find((image) => image.id === all[2])!;
        const v1 = Buffer.from(JSON.stringify([third.createdAt, third.id])).toString('base64url');
        const page = await catalog.list('alice', { tags: [], limit: 3, cursor: v1 });
        expect(page.items.map((i) => i.id)).toEqual(all.slice(3, 6));
        const oldest = catalog.list('alice', { tags: [], order: 'oldest', limit: 3, cursor: v1 });
        await expect(oldest).rejects.toBeInstanceOf(InvalidCursor);
        // A made-up four-part cursor for no filters is as good as one the catalog made.
        const made = encodeCursor({ createdAt: third.createdAt, id: third.id });
        expect((await catalog.list('alice', { tags: [], limit: 3, cursor: made })).items).toEqual(
          page.items,
        );
      }));
  });
}
