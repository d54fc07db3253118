// Full-text search (contract v2's `q`) every ImageCatalog adapter must answer: each word of q
// starts a word of the filename, of the image's text or of one of its tag names (the model's or
// the user's), ignoring case and accents; every word must match (AND), each in any field; q
// combines with the other filters and with paging, and follows every edit and removal.
// Adapter-neutral: the harness gives a fresh catalog per test (withFreshCatalog).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ImageCatalog, ListQuery } from '../../src/catalog/image-catalog.js';
import { InvalidCursor } from '../../src/domain/errors.js';
import type { ImageRecord, ImageStatus } from '../../src/domain/image.js';
import { withFreshCatalog, type CatalogHarness } from './image-catalog.contract.js';

const T0 = Date.parse('2025-04-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

interface Draft {
  filename?: string;
  /** The model's tags; the image is tagged when there are some (or when text is given). */
  tags?: string[];
  /** Tags a person put there (editTags), whatever the status. */
  userTags?: string[];
  text?: string;
  status?: ImageStatus;
  second?: number;
  id?: string;
}

type Query = Omit<ListQuery, 'limit' | 'tags'> & { tags?: string[] };

export function imageCatalogTextContract(
  setup: () => Promise<CatalogHarness>,
  name = 'catalog',
): void {
  const withCatalog = (test: (catalog: ImageCatalog) => Promise<void>) =>
    withFreshCatalog(setup, test);

  let clock = 0;
  /** Writes the image through the port as processing and a person would; answers its id. */
  async function add(catalog: ImageCatalog, owner: string, draft: Draft = {}): Promise<string> {
    clock += 1;
    const second = draft.second ?? clock;
    const image: ImageRecord = {
      id: draft.id ?? randomUUID(),
      ownerId: owner,
      filename: draft.filename ?? `upload-${second}.jpg`,
      contentType: 'image/jpeg',
      size: 1,
      status: 'pending',
      tags: [],
      createdAt: at(second),
    };
    await catalog.insert(image);
    const status = draft.status ?? (draft.tags?.length || draft.text ? 'tagged' : 'pending');
    if (status === 'tagged') {
      await catalog.markTagged(owner, image.id, {
        labels: (draft.tags ?? []).map((n, k) => ({ name: n, confidence: 0.9 - k / 100 })),
        taggedAt: at(second + 1),
        text: draft.text,
      });
    } else if (status === 'failed') {
      await catalog.markFailed(owner, image.id, 'This is not an image.');
    }
    if (draft.userTags?.length) {
      await catalog.editTags(owner, [image.id], { add: draft.userTags, remove: [] });
    }
    return image.id;
  }

  /** The ids of every page of the listing, following nextCursor. */
  async function found(
    catalog: ImageCatalog,
    owner: string,
    query: Query,
    limit = 50,
  ): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page += 1) {
      const { items, nextCursor } = await catalog.list(owner, {
        ...query,
        tags: query.tags ?? [],
        limit,
        cursor,
      });
      ids.push(...items.map((i) => i.id));
      if (nextCursor === null) return ids;
      cursor = nextCursor;
    }
    throw new Error('The listing never ended.');
  }

  describe(`ImageCatalog full-text search q (${name})`, () => {
    it('when q is the start of a word of the filename, then the image is found, and not for the middle of one', () =>
      withCatalog(async (catalog) => {
        const id = await add(catalog, 'alice', { filename: 'IMG_0042.jpg' });
        await add(catalog, 'alice', { filename: 'holiday.png' });
        for (const q of ['img', 'IMG', '0042', '004', 'jp', 'img 0042 jpg']) {
          expect({ q, ids: await found(catalog, 'alice', { q }) }).toEqual({ q, ids: [id] });
        }
        for (const q of ['mg', '042', 'peg', 'img_0042x']) {
          expect({ q, ids: await found(catalog, 'alice', { q }) }).toEqual({ q, ids: [] });
        }
      }));

    it('when q starts words of the image’s text, then the image is found', () =>
      withCatalog(async (catalog) => {
        const id = await add(catalog, 'alice', { text: 'Happy Birthday, Anna!' });
        await add(catalog, 'alice', { text: 'Out of office' });
        expect(await found(catalog, 'alice', { q: 'birth' })).toEqual([id]);
        expect(await found(catalog, 'alice', { q: 'anna happy' })).toEqual([id]);
        expect(await found(catalog, 'alice', { q: 'day' })).toEqual([]);
      }));

    it('when q starts a word of a model tag or of a user tag, then the image is found', () =>
      withCatalog(async (catalog) => {
        const model = await add(catalog, 'alice', { tags: ['traffic light', 'car'] });
        const user = await add(catalog, 'alice', { userTags: ['my cat'] });
        await add(catalog, 'alice', { tags: ['dog'] });
        expect(await found(catalog, 'alice', { q: 'light' })).toEqual([model]);
        expect(await found(catalog, 'alice', { q: 'traf' })).toEqual([model]);
        expect(await found(catalog, 'alice', { q: 'cat' })).toEqual([user]);
        expect(await found(catalog, 'alice', { q: 'my' })).toEqual([user]);
        // A pending image has no model tags, yet a user's tag is searchable on it.
        expect((await catalog.get('alice', user))!.status).toBe('pending');
      }));

    it('when q differs in case or accents, then it matches all the same', () =>
      withCatalog(async (catalog) => {
        const cafe = await add(catalog, 'alice', { filename: 'Café-Noël.PNG' });
        const school = await add(catalog, 'alice', { text: 'ÉCOLE Ångström' });
        expect(await found(catalog, 'alice', { q: 'CAFE noel' })).toEqual([cafe]);
        expect(await found(catalog, 'alice', { q: 'café NOËL png' })).toEqual([cafe]);
        expect(await found(catalog, 'alice', { q: 'ecole angs' })).toEqual([school]);
        expect(await found(catalog, 'alice', { q: 'Écol' })).toEqual([school]);
      }));

    it('when q has several words, then an image must match every one, each in any field', () =>
      withCatalog(async (catalog) => {
        const both = await add(catalog, 'alice', { filename: 'sunset.jpg', tags: ['beach'] });
        const across = await add(catalog, 'alice', {
          filename: 'trip.jpg',
          text: 'sunset',
          userTags: ['beach towel'],
        });
        await add(catalog, 'alice', { filename: 'sunset-2.jpg', tags: ['dog'] });
        await add(catalog, 'alice', { filename: 'beach.jpg' });
        expect(await found(catalog, 'alice', { q: 'sun bea' })).toEqual([across, both]);
        expect(await found(catalog, 'alice', { q: 'sunset towel trip' })).toEqual([across]);
        expect(await found(catalog, 'alice', { q: 'sunset dog beach' })).toEqual([]);
      }));

    it('when q is combined with tags, anyTags, notTags, status or untagged, then both must hold', () =>
      withCatalog(async (catalog) => {
        const dogCar = await add(catalog, 'alice', { filename: 'park.jpg', tags: ['dog', 'car'] });
        const dog = await add(catalog, 'alice', { filename: 'park.jpg', tags: ['dog'] });
        const bare = await add(catalog, 'alice', { filename: 'park.jpg', status: 'tagged' });
        const failed = await add(catalog, 'alice', { filename: 'park.jpg', status: 'failed' });
        const pending = await add(catalog, 'alice', { filename: 'park.jpg', userTags: ['dog'] });
        await add(catalog, 'alice', { filename: 'street.jpg', tags: ['dog', 'car'] });
        const q = 'park';
        expect(await found(catalog, 'alice', { q })).toEqual([pending, failed, bare, dog, dogCar]);
        expect(await found(catalog, 'alice', { q, tags: ['dog'] })).toEqual([pending, dog, dogCar]);
        expect(await found(catalog, 'alice', { q, tags: ['dog', 'car'] })).toEqual([dogCar]);
        expect(await found(catalog, 'alice', { q, anyTags: ['car', 'cat'] })).toEqual([dogCar]);
        expect(await found(catalog, 'alice', { q, notTags: ['car'] })).toEqual([
          pending,
          failed,
          bare,
          dog,
        ]);
        expect(await found(catalog, 'alice', { q, status: 'failed' })).toEqual([failed]);
        expect(await found(catalog, 'alice', { q, status: 'pending', tags: ['dog'] })).toEqual([
          pending,
        ]);
        expect(await found(catalog, 'alice', { q, untagged: true })).toEqual([bare]);
        expect(await found(catalog, 'alice', { q: 'street', untagged: true })).toEqual([]);
        expect(await found(catalog, 'alice', { q, tags: ['cat'] })).toEqual([]);
      }));

    it('when q pages, then every page keeps the filter, in either order, with ties broken by id', () =>
      withCatalog(async (catalog) => {
        // Inserted out of time order, some sharing a second: the order is the port's, not the
        // insertion's.
        const seconds = [9, 2, 14, 5, 5, 11, 1, 7, 7, 7, 3, 12, 8, 6, 10, 4, 13];
        const matching: { id: string; second: number }[] = [];
        for (const [k, second] of seconds.entries()) {
          const match = k % 3 !== 1;
          const id = `${String((k * 7) % 17).padStart(2, '0')}-${randomUUID()}`;
          await add(catalog, 'alice', {
            id,
            second,
            filename: match ? `beach-${k}.jpg` : `city-${k}.jpg`,
          });
          if (match) matching.push({ id, second });
        }
        const newest = [...matching]
          .sort((a, b) => b.second - a.second || (a.id < b.id ? 1 : -1))
          .map((m) => m.id);
        for (const limit of [1, 2, 5, 50]) {
          expect(await found(catalog, 'alice', { q: 'beach' }, limit)).toEqual(newest);
          expect(await found(catalog, 'alice', { q: 'bea', order: 'oldest' }, limit)).toEqual(
            [...newest].reverse(),
          );
        }
        const first = await catalog.list('alice', { tags: [], q: 'beach', limit: 2 });
        expect(first.nextCursor).not.toBeNull();
        // A cursor is bound to its q: another q (or none) is told to start again.
        await expect(
          catalog.list('alice', { tags: [], q: 'city', limit: 2, cursor: first.nextCursor! }),
        ).rejects.toBeInstanceOf(InvalidCursor);
        await expect(
          catalog.list('alice', { tags: [], limit: 2, cursor: first.nextCursor! }),
        ).rejects.toBeInstanceOf(InvalidCursor);
        // The same words in another order or case are the same listing.
        const same = await catalog.list('alice', {
          tags: [],
          q: 'BEACH',
          limit: 2,
          cursor: first.nextCursor!,
        });
        expect(same.items.map((i) => i.id)).toEqual(newest.slice(2, 4));
      }));

    it('when a cursor’s image was deleted, then the next page still starts right after it', () =>
      withCatalog(async (catalog) => {
        const ids: string[] = [];
        for (let k = 0; k < 6; k += 1) ids.push(await add(catalog, 'alice', { filename: 'a.jpg' }));
        const first = await catalog.list('alice', { tags: [], q: 'a', limit: 3 });
        expect(first.items.map((i) => i.id)).toEqual([ids[5], ids[4], ids[3]]);
        await catalog.remove('alice', ids[3]!);
        const next = await catalog.list('alice', {
          tags: [],
          q: 'a',
          limit: 3,
          cursor: first.nextCursor!,
        });
        expect(next.items.map((i) => i.id)).toEqual([ids[2], ids[1], ids[0]]);
      }));

    it('when another owner’s images match, then they are never found', () =>
      withCatalog(async (catalog) => {
        const mine = await add(catalog, 'alice', { filename: 'shared-word.jpg' });
        for (let k = 0; k < 5; k += 1) {
          await add(catalog, 'bob', { filename: 'shared-word.jpg', tags: ['dog'], text: 'shared' });
        }
        expect(await found(catalog, 'alice', { q: 'shared' })).toEqual([mine]);
        expect(await found(catalog, 'alice', { q: 'dog' })).toEqual([]);
        expect(await found(catalog, 'alice', { q: 'shared', tags: ['dog'] })).toEqual([]);
        expect(await found(catalog, 'carol', { q: 'shared' })).toEqual([]);
      }));

    it('when tags are edited, renamed, removed or retagged, then q follows', () =>
      withCatalog(async (catalog) => {
        const id = await add(catalog, 'alice', { filename: 'x.jpg', tags: ['dog'], text: 'sign' });
        await catalog.editTags('alice', [id], { add: ['puppy love'], remove: [] });
        expect(await found(catalog, 'alice', { q: 'pup lo' })).toEqual([id]);
        await catalog.editTags('alice', [id], { add: [], remove: ['puppy love'] });
        expect(await found(catalog, 'alice', { q: 'puppy' })).toEqual([]);
        await catalog.editTags('alice', [id], { add: ['holiday'], remove: [] });
        await catalog.renameTag('alice', 'holiday', 'vacation 2024');
        expect(await found(catalog, 'alice', { q: 'holiday' })).toEqual([]);
        expect(await found(catalog, 'alice', { q: 'vacation 2024' })).toEqual([id]);
        expect(await found(catalog, 'alice', { q: 'vac', tags: ['vacation 2024'] })).toEqual([id]);
        await catalog.removeTag('alice', 'vacation 2024');
        expect(await found(catalog, 'alice', { q: 'vacation' })).toEqual([]);
        // A retag drops the model's tags and text until it is tagged again.
        await catalog.markPending('alice', id);
        expect(await found(catalog, 'alice', { q: 'dog' })).toEqual([]);
        expect(await found(catalog, 'alice', { q: 'sign' })).toEqual([]);
        expect(await found(catalog, 'alice', { q: 'x' })).toEqual([id]);
        await catalog.markTagged('alice', id, {
          labels: [{ name: 'cat', confidence: 0.8 }],
          taggedAt: at(999),
          text: 'stop sign',
        });
        expect(await found(catalog, 'alice', { q: 'cat stop' })).toEqual([id]);
      }));

    it('when an image is removed, then q no longer finds it', () =>
      withCatalog(async (catalog) => {
        const gone = await add(catalog, 'alice', { filename: 'gone.jpg', tags: ['dog'] });
        const kept = await add(catalog, 'alice', { filename: 'gone-not.jpg' });
        expect(await catalog.remove('alice', gone)).toBe(true);
        expect(await found(catalog, 'alice', { q: 'gone' })).toEqual([kept]);
        expect(await found(catalog, 'alice', { q: 'dog' })).toEqual([]);
      }));

    it('when q is empty or only punctuation, then it filters nothing', () =>
      withCatalog(async (catalog) => {
        const a = await add(catalog, 'alice', { filename: 'a.jpg' });
        const b = await add(catalog, 'alice', { filename: 'b.jpg', tags: ['dog'] });
        for (const q of ['', '   ', '-_.,!?', '…']) {
          expect({ q, ids: await found(catalog, 'alice', { q }) }).toEqual({ q, ids: [b, a] });
          expect({ q, ids: await found(catalog, 'alice', { q, tags: ['dog'] }) }).toEqual({
            q,
            ids: [b],
          });
        }
        // And a cursor made without q serves a listing whose q has no words.
        const first = await catalog.list('alice', { tags: [], limit: 1 });
        const next = await catalog.list('alice', {
          tags: [],
          q: ' ! ',
          limit: 1,
          cursor: first.nextCursor!,
        });
        expect(next.items.map((i) => i.id)).toEqual([a]);
      }));
  });
}
