// The behaviour every ImageCatalog adapter must have. Each test sets up its own catalog.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ImageCatalog } from '../../src/catalog/image-catalog.js';
import type { ImageRecord, Tag } from '../../src/domain/image.js';
import { InvalidCursor } from '../../src/domain/errors.js';
import { toHttpError } from '../../src/http/problem.js';
import { imageCatalogSearchContract } from './image-catalog-search.contract.js';
import { imageCatalogTagsContract } from './image-catalog-tags.contract.js';

export interface CatalogHarness {
  catalog: ImageCatalog;
  close(): Promise<void>;
}

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function image(ownerId: string, seconds: number, extra: Partial<ImageRecord> = {}): ImageRecord {
  return {
    id: randomUUID(),
    ownerId,
    filename: `photo-${seconds}.jpg`,
    contentType: 'image/jpeg',
    size: 1000 + seconds,
    status: 'pending',
    tags: [],
    createdAt: at(seconds),
    ...extra,
  };
}

const tagged = (ownerId: string, seconds: number, names: string[]) =>
  image(ownerId, seconds, {
    status: 'tagged',
    taggedAt: at(seconds + 1),
    tags: names.map((name, i) => ({ name, confidence: 0.9 - i * 0.1, source: 'model' as const })),
  });

const ids = (images: { id: string }[]) => images.map((i) => i.id);
const newestFirst = (images: ImageRecord[]) =>
  [...images].sort((a, b) =>
    a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
  );

/** Runs `test` on a fresh catalog from `setup`, closed afterwards whatever happens. */
export async function withFreshCatalog(
  setup: () => Promise<CatalogHarness>,
  test: (catalog: ImageCatalog) => Promise<void>,
): Promise<void> {
  const harness = await setup();
  try {
    await test(harness.catalog);
  } finally {
    await harness.close();
  }
}

export function imageCatalogContract(name: string, setup: () => Promise<CatalogHarness>) {
  imageCatalogSearchContract(name, setup);
  imageCatalogTagsContract(name, setup);
  const withCatalog = (test: (catalog: ImageCatalog) => Promise<void>) =>
    withFreshCatalog(setup, test);

  async function insertAll(catalog: ImageCatalog, images: ImageRecord[]) {
    for (const img of images) await catalog.insert(img);
    return images;
  }

  async function listAll(catalog: ImageCatalog, owner: string, tags: string[], limit: number) {
    const seen: ImageRecord[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 1000; pages++) {
      const page = await catalog.list(owner, { tags, limit, cursor });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      seen.push(...page.items);
      if (page.nextCursor === null) return seen;
      cursor = page.nextCursor;
    }
    throw new Error('pagination never ended');
  }

  describe(`ImageCatalog (${name})`, () => {
    it('when an image is inserted, then get returns every field', () =>
      withCatalog(async (catalog) => {
        const tags: Tag[] = [
          { name: 'dog', confidence: 0.97, source: 'model' },
          { name: 'traffic light', confidence: 0.5, source: 'model' },
        ];
        const img = image('alice', 1, { status: 'tagged', tags, taggedAt: at(2) });
        const failed = image('alice', 3, { status: 'failed', error: 'This is not an image.' });
        await insertAll(catalog, [img, failed]);
        expect(await catalog.get('alice', img.id)).toEqual(img);
        expect(await catalog.get('alice', failed.id)).toEqual(failed);
        expect(await catalog.get('alice', randomUUID())).toBeUndefined();
      }));

    it('when another owner asks, then they never see the image or its tags', () =>
      withCatalog(async (catalog) => {
        const [mine] = await insertAll(catalog, [tagged('alice', 1, ['dog', 'cat'])]);
        await insertAll(catalog, [tagged('bob', 2, ['car'])]);
        expect(await catalog.get('bob', mine!.id)).toBeUndefined();
        const bobs = await catalog.list('bob', { tags: [], limit: 10 });
        expect(bobs.items.map((i) => i.ownerId)).toEqual(['bob']);
        expect((await catalog.list('bob', { tags: ['dog'], limit: 10 })).items).toEqual([]);
        expect(await catalog.countTags('bob', { limit: 10 })).toEqual([{ name: 'car', count: 1 }]);
      }));

    it('when another owner writes to the image, then nothing changes', () =>
      withCatalog(async (catalog) => {
        const [mine] = await insertAll(catalog, [tagged('alice', 1, ['dog'])]);
        // Whether a write to someone else's image resolves or rejects is the adapter's choice;
        // that it changes nothing is not.
        const ignore = () => undefined;
        await catalog
          .markTagged('bob', mine!.id, {
            labels: [{ name: 'cat', confidence: 1 }],
            taggedAt: at(5),
          })
          .catch(ignore);
        await catalog.markFailed('bob', mine!.id, 'nope').catch(ignore);
        await catalog.markPending('bob', mine!.id).catch(ignore);
        expect(await catalog.remove('bob', mine!.id)).toBe(false);
        expect(await catalog.get('alice', mine!.id)).toEqual(mine);
        expect(await catalog.countTags('bob', { limit: 10 })).toEqual([]);
        expect(await catalog.countTags('alice', { limit: 10 })).toEqual([
          { name: 'dog', count: 1 },
        ]);
      }));

    it('when listing without tags, then every status is included, newest first', () =>
      withCatalog(async (catalog) => {
        const images = await insertAll(catalog, [
          image('alice', 1),
          tagged('alice', 3, ['dog']),
          image('alice', 2, { status: 'failed', error: 'Unreadable.' }),
        ]);
        const page = await catalog.list('alice', { tags: [], limit: 10 });
        expect(page.items).toEqual(newestFirst(images));
        expect(page.nextCursor).toBeNull();
      }));

    it('when listing by one tag, then only tagged images with that tag come back', () =>
      withCatalog(async (catalog) => {
        const [dog1, , dog2] = await insertAll(catalog, [
          tagged('alice', 1, ['dog', 'person']),
          tagged('alice', 2, ['cat']),
          tagged('alice', 3, ['person', 'dog']),
          image('alice', 4),
        ]);
        const page = await catalog.list('alice', { tags: ['dog'], limit: 10 });
        expect(ids(page.items)).toEqual([dog2!.id, dog1!.id]);
        expect(page.items[0]).toEqual(dog2);
      }));

    it('when listing by two tags, then only images having both come back', () =>
      withCatalog(async (catalog) => {
        const [both1, , , both2] = await insertAll(catalog, [
          tagged('alice', 1, ['dog', 'person']),
          tagged('alice', 2, ['dog']),
          tagged('alice', 3, ['person', 'car']),
          tagged('alice', 4, ['car', 'person', 'dog']),
          tagged('bob', 5, ['dog', 'person']),
        ]);
        const page = await catalog.list('alice', { tags: ['person', 'dog', 'dog'], limit: 10 });
        expect(ids(page.items)).toEqual([both2!.id, both1!.id]);
        const none = await catalog.list('alice', { tags: ['dog', 'zebra'], limit: 10 });
        expect(none).toEqual({ items: [], nextCursor: null });
      }));

    it('when paging through 45 images by 10, then each is seen once, in order', () =>
      withCatalog(async (catalog) => {
        const images = await insertAll(
          catalog,
          Array.from({ length: 45 }, (_, i) =>
            i % 3 === 0 ? tagged('alice', i, ['dog', 'cat']) : tagged('alice', i, ['dog']),
          ),
        );
        const first = await catalog.list('alice', { tags: [], limit: 10 });
        expect(first.items).toHaveLength(10);
        expect(first.nextCursor).toEqual(expect.any(String));
        expect(ids(await listAll(catalog, 'alice', [], 10))).toEqual(ids(newestFirst(images)));
        expect(ids(await listAll(catalog, 'alice', ['dog'], 10))).toEqual(ids(newestFirst(images)));
        const cats = images.filter((i) => i.tags.some((t) => t.name === 'cat'));
        expect(cats).toHaveLength(15);
        expect(ids(await listAll(catalog, 'alice', ['cat', 'dog'], 4))).toEqual(
          ids(newestFirst(cats)),
        );
      }));

    it('when the last page is exactly full, then its nextCursor leads to an empty page', () =>
      withCatalog(async (catalog) => {
        await insertAll(catalog, [image('alice', 1), image('alice', 2)]);
        const page = await catalog.list('alice', { tags: [], limit: 2 });
        expect(page.items).toHaveLength(2);
        expect(page.nextCursor).toBeNull();
      }));

    it('when images share a createdAt, then pagination breaks the tie by id', () =>
      withCatalog(async (catalog) => {
        const images = await insertAll(
          catalog,
          Array.from({ length: 7 }, () => tagged('alice', 10, ['dog'])),
        );
        const expected = ids(newestFirst(images));
        expect(ids(await listAll(catalog, 'alice', [], 2))).toEqual(expected);
        expect(ids(await listAll(catalog, 'alice', ['dog'], 3))).toEqual(expected);
      }));

    it('when the cursor is not one the catalog made, then InvalidCursor (a 400)', () =>
      withCatalog(async (catalog) => {
        for (const cursor of ['garbage!', 'bm90IGpzb24', 'WzEsMl0', 'x'.repeat(600)]) {
          const listing = catalog.list('alice', { tags: [], limit: 10, cursor });
          await expect(listing).rejects.toBeInstanceOf(InvalidCursor);
          const error = await catalog.list('alice', { tags: ['dog'], limit: 10, cursor }).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(toHttpError(error)).toMatchObject({ status: 400 });
        }
      }));

    it('when markTagged runs twice with the same tags, then one set of tags and counts', () =>
      withCatalog(async (catalog) => {
        const [img] = await insertAll(catalog, [image('alice', 1)]);
        const tags = [
          { name: 'cat', confidence: 0.6 },
          { name: 'dog', confidence: 0.8 },
          { name: 'bed', confidence: 0.6 },
        ];
        await catalog.markTagged('alice', img!.id, { labels: tags, taggedAt: at(5) });
        await catalog.markTagged('alice', img!.id, { labels: tags, taggedAt: at(6) });
        const got = await catalog.get('alice', img!.id);
        expect(got).toMatchObject({ status: 'tagged', taggedAt: at(6) });
        expect(got?.error).toBeUndefined();
        const model = (tag: (typeof tags)[number]) => ({ ...tag, source: 'model' });
        expect(got?.tags).toEqual([model(tags[1]!), model(tags[2]!), model(tags[0]!)]);
        expect(await catalog.countTags('alice', { limit: 10 })).toEqual([
          { name: 'bed', count: 1 },
          { name: 'cat', count: 1 },
          { name: 'dog', count: 1 },
        ]);
        await catalog.markTagged('alice', img!.id, {
          labels: [{ name: 'cat', confidence: 0.9 }],
          taggedAt: at(7),
        });
        expect(await catalog.countTags('alice', { limit: 10 })).toEqual([
          { name: 'cat', count: 1 },
        ]);
      }));

    it('when a failed image is tagged, then its error is cleared', () =>
      withCatalog(async (catalog) => {
        const [img] = await insertAll(catalog, [image('alice', 1)]);
        await catalog.markFailed('alice', img!.id, 'The tagger is unavailable.');
        await catalog.markTagged('alice', img!.id, {
          labels: [{ name: 'dog', confidence: 0.9 }],
          taggedAt: at(5),
        });
        const got = await catalog.get('alice', img!.id);
        expect(got).toMatchObject({ status: 'tagged', tags: [{ name: 'dog', confidence: 0.9 }] });
        expect(got?.error).toBeUndefined();
      }));

    it('when an image is marked pending or failed, then its tags and counts go', () =>
      withCatalog(async (catalog) => {
        const [a, b, c] = await insertAll(catalog, [
          tagged('alice', 1, ['dog', 'cat']),
          tagged('alice', 2, ['dog']),
          tagged('alice', 3, ['dog']),
        ]);
        await catalog.markPending('alice', a!.id);
        await catalog.markFailed('alice', b!.id, 'Unreadable.');
        expect(await catalog.get('alice', a!.id)).toMatchObject({ status: 'pending', tags: [] });
        const failed = await catalog.get('alice', b!.id);
        expect(failed).toMatchObject({ status: 'failed', tags: [], error: 'Unreadable.' });
        expect(failed?.taggedAt).toBeUndefined();
        expect(await catalog.countTags('alice', { limit: 10 })).toEqual([
          { name: 'dog', count: 1 },
        ]);
        expect(ids((await catalog.list('alice', { tags: ['dog'], limit: 10 })).items)).toEqual([
          c!.id,
        ]);
      }));

    it('when counting tags, then count desc, then name, at most limit', () =>
      withCatalog(async (catalog) => {
        await insertAll(catalog, [
          tagged('alice', 1, ['person', 'dog', 'car']),
          tagged('alice', 2, ['person', 'cat', 'bus']),
          tagged('alice', 3, ['person', 'cat', 'apple']),
          image('alice', 4),
        ]);
        expect(await catalog.countTags('alice', { limit: 10 })).toEqual([
          { name: 'person', count: 3 },
          { name: 'cat', count: 2 },
          { name: 'apple', count: 1 },
          { name: 'bus', count: 1 },
          { name: 'car', count: 1 },
          { name: 'dog', count: 1 },
        ]);
        expect(await catalog.countTags('alice', { limit: 3 })).toEqual([
          { name: 'person', count: 3 },
          { name: 'cat', count: 2 },
          { name: 'apple', count: 1 },
        ]);
        expect(await catalog.countTags('nobody', { limit: 10 })).toEqual([]);
      }));

    it('when an image is removed, then it is gone and counts drop; removing again is false', () =>
      withCatalog(async (catalog) => {
        const [a] = await insertAll(catalog, [
          tagged('alice', 1, ['dog', 'cat']),
          tagged('alice', 2, ['dog']),
        ]);
        expect(await catalog.remove('alice', a!.id)).toBe(true);
        expect(await catalog.get('alice', a!.id)).toBeUndefined();
        expect(await catalog.countTags('alice', { limit: 10 })).toEqual([
          { name: 'dog', count: 1 },
        ]);
        expect((await catalog.list('alice', { tags: ['cat'], limit: 10 })).items).toEqual([]);
        expect(await catalog.remove('alice', a!.id)).toBe(false);
      }));
  });
}
