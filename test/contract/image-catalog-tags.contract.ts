// The tag edits every ImageCatalog adapter must make (contract v2): a person's tags beside the
// model's, vetoes that outlive a retag, all-or-nothing edits of many images, rename, merge and
// removal everywhere, and autocomplete. Run by image-catalog.contract.ts for each adapter.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ImageCatalog } from '../../src/catalog/image-catalog.js';
import { ImageNotFound, TagLimitReached } from '../../src/domain/errors.js';
import type { ImageRecord, Label } from '../../src/domain/image.js';
import { MAX_USER_TAGS } from '../../src/domain/tag-edits.js';
import { withFreshCatalog, type CatalogHarness } from './image-catalog.contract.js';

const T0 = Date.parse('2025-03-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

const labels = (...names: string[]): Label[] =>
  names.map((name, k) => ({ name, confidence: 0.9 - k / 10 }));

export function imageCatalogTagsContract(name: string, setup: () => Promise<CatalogHarness>) {
  const withCatalog = (test: (catalog: ImageCatalog) => Promise<void>) =>
    withFreshCatalog(setup, test);

  let second = 0;
  /** A pending image of `owner`, then tagged by the model with `names` when there are any. */
  async function added(catalog: ImageCatalog, owner: string, ...names: string[]) {
    second += 1;
    const image: ImageRecord = {
      id: randomUUID(),
      ownerId: owner,
      filename: `img-${second}.jpg`,
      contentType: 'image/jpeg',
      size: 1,
      status: 'pending',
      tags: [],
      createdAt: at(second),
    };
    await catalog.insert(image);
    if (names.length > 0) {
      await catalog.markTagged(owner, image.id, { labels: labels(...names), taggedAt: at(99) });
    }
    return image.id;
  }

  const shown = async (catalog: ImageCatalog, owner: string, id: string) =>
    (await catalog.get(owner, id))!.tags.map((t) => `${t.name}:${t.source}`);
  const withTag = async (catalog: ImageCatalog, owner: string, tag: string) =>
    (await catalog.list(owner, { tags: [tag], limit: 50 })).items.map((i) => i.id);

  describe(`ImageCatalog tag edits (${name})`, () => {
    it('when the model located a label, then its box is read back, and survives a user’s edit', () =>
      withCatalog(async (catalog) => {
        const id = await added(catalog, 'alice');
        const box = { x: 0.1, y: 0.2, w: 0.3, h: 0.4 };
        await catalog.markTagged('alice', id, {
          labels: [
            { name: 'cat', confidence: 0.9, box },
            { name: 'animal', confidence: 0.9 },
          ],
          taggedAt: at(99),
        });
        const tagged = [
          { name: 'animal', confidence: 0.9, source: 'model' },
          { name: 'cat', confidence: 0.9, box, source: 'model' },
        ];
        expect((await catalog.get('alice', id))!.tags).toEqual(tagged);
        expect((await catalog.list('alice', { tags: ['cat'], limit: 5 })).items[0]!.tags).toEqual(
          tagged,
        );
        await catalog.editTags('alice', [id], { add: ['mine'], remove: ['animal'] });
        expect((await catalog.get('alice', id))!.tags).toEqual([
          { name: 'mine', confidence: 1, source: 'user' },
          { name: 'cat', confidence: 0.9, box, source: 'model' },
        ]);
      }));

    it('when a user adds a tag the model gave, then it becomes the user’s, once', () =>
      withCatalog(async (catalog) => {
        const id = await added(catalog, 'alice', 'dog', 'cat');
        const [edited] = await catalog.editTags('alice', [id], { add: ['dog', 'pet'], remove: [] });
        expect(edited!.tags).toEqual([
          { name: 'dog', confidence: 1, source: 'user' },
          { name: 'pet', confidence: 1, source: 'user' },
          { name: 'cat', confidence: expect.closeTo(0.8, 5), source: 'model' },
        ]);
        expect(await catalog.countTags('alice', { limit: 10 })).toEqual([
          { name: 'cat', count: 1 },
          { name: 'dog', count: 1 },
          { name: 'pet', count: 1 },
        ]);
      }));

    it('when a model tag is removed and the image is retagged, then the veto holds and the user’s tags stay', () =>
      withCatalog(async (catalog) => {
        const id = await added(catalog, 'alice', 'dog', 'cat');
        await catalog.editTags('alice', [id], { add: ['my cat'], remove: ['dog'] });
        await catalog.markPending('alice', id);
        expect(await shown(catalog, 'alice', id)).toEqual(['my cat:user']);
        expect(await withTag(catalog, 'alice', 'my cat')).toEqual([id]);
        await catalog.markTagged('alice', id, {
          labels: labels('dog', 'cat', 'bed'),
          taggedAt: at(200),
        });
        expect(await shown(catalog, 'alice', id)).toEqual([
          'my cat:user',
          'cat:model',
          'bed:model',
        ]);
        expect(await withTag(catalog, 'alice', 'dog')).toEqual([]);
        await catalog.markFailed('alice', id, 'Gone wrong.');
        expect(await shown(catalog, 'alice', id)).toEqual(['my cat:user']);
        // Adding a vetoed name back lifts the veto.
        await catalog.editTags('alice', [id], { add: ['dog'], remove: [] });
        await catalog.markTagged('alice', id, { labels: labels('dog'), taggedAt: at(201) });
        expect(await shown(catalog, 'alice', id)).toEqual(['dog:user', 'my cat:user']);
      }));

    it('when one id is not the owner’s, then the edit throws ImageNotFound and changes no image', () =>
      withCatalog(async (catalog) => {
        const mine = [await added(catalog, 'alice', 'car'), await added(catalog, 'alice', 'bus')];
        const theirs = await added(catalog, 'bob', 'car');
        const before = await Promise.all(mine.map((id) => catalog.get('alice', id)));
        for (const ids of [
          [...mine, theirs],
          [mine[0]!, randomUUID(), mine[1]!],
        ]) {
          await expect(
            catalog.editTags('alice', ids, { add: ['trip'], remove: ['car', 'bus'] }),
          ).rejects.toBeInstanceOf(ImageNotFound);
        }
        expect(await Promise.all(mine.map((id) => catalog.get('alice', id)))).toEqual(before);
        expect(await shown(catalog, 'bob', theirs)).toEqual(['car:model']);
        expect(await catalog.countTags('alice', { limit: 10 })).toEqual([
          { name: 'bus', count: 1 },
          { name: 'car', count: 1 },
        ]);
      }));

    it('when an edit would pass the most user tags an image carries, then it throws and changes nothing', () =>
      withCatalog(async (catalog) => {
        const full = await added(catalog, 'alice');
        const other = await added(catalog, 'alice');
        const many = Array.from({ length: MAX_USER_TAGS }, (_, k) => `tag ${k}`);
        await catalog.editTags('alice', [full], { add: many, remove: [] });
        await expect(
          catalog.editTags('alice', [other, full], { add: ['one more'], remove: [] }),
        ).rejects.toBeInstanceOf(TagLimitReached);
        expect(await shown(catalog, 'alice', other)).toEqual([]);
        // Removing while full is always fine.
        await catalog.editTags('alice', [full], { add: [], remove: ['tag 0'] });
        expect((await catalog.get('alice', full))!.tags).toHaveLength(MAX_USER_TAGS - 1);
      }));

    it('when a tag is renamed, then it moves on every image, merges where both are, and stays vetoed', () =>
      withCatalog(async (catalog) => {
        const a = await added(catalog, 'alice', 'puppy');
        const b = await added(catalog, 'alice', 'puppy', 'dog');
        const c = await added(catalog, 'alice', 'dog');
        const bobs = await added(catalog, 'bob', 'puppy');
        expect(await catalog.renameTag('alice', 'puppy', 'dog')).toEqual({ name: 'dog', count: 3 });
        expect(await shown(catalog, 'alice', a)).toEqual(['dog:user']);
        expect(await shown(catalog, 'alice', b)).toEqual(['dog:user']);
        expect(await shown(catalog, 'alice', c)).toEqual(['dog:model']);
        expect(await shown(catalog, 'bob', bobs)).toEqual(['puppy:model']);
        expect(await withTag(catalog, 'alice', 'puppy')).toEqual([]);
        await catalog.markTagged('alice', a, { labels: labels('puppy'), taggedAt: at(300) });
        expect(await shown(catalog, 'alice', a)).toEqual(['dog:user']);
        expect(await catalog.renameTag('alice', 'nothing', 'x')).toEqual({ name: 'x', count: 0 });
      }));

    it('when a tag is removed everywhere, then no image of the owner has it and a retag does not bring it back', () =>
      withCatalog(async (catalog) => {
        const a = await added(catalog, 'alice', 'blurry', 'cat');
        const b = await added(catalog, 'alice', 'blurry');
        const bobs = await added(catalog, 'bob', 'blurry');
        expect(await catalog.removeTag('alice', 'blurry')).toBe(2);
        expect(await withTag(catalog, 'alice', 'blurry')).toEqual([]);
        expect(await withTag(catalog, 'bob', 'blurry')).toEqual([bobs]);
        await catalog.markTagged('alice', b, {
          labels: labels('blurry', 'sky'),
          taggedAt: at(301),
        });
        expect(await shown(catalog, 'alice', b)).toEqual(['sky:model']);
        expect(await shown(catalog, 'alice', a)).toEqual(['cat:model']);
        expect(await catalog.removeTag('alice', 'blurry')).toBe(0);
      }));

    it('when tags are counted with a prefix, then only names starting with it, most used first', () =>
      withCatalog(async (catalog) => {
        await added(catalog, 'alice', 'cat', 'car');
        await added(catalog, 'alice', 'car', 'dog');
        const id = await added(catalog, 'alice');
        await catalog.editTags('alice', [id], { add: ['cathedral', 'ça va'], remove: [] });
        await added(catalog, 'bob', 'cab');
        expect(await catalog.countTags('alice', { limit: 10, prefix: 'ca' })).toEqual([
          { name: 'car', count: 2 },
          { name: 'cat', count: 1 },
          { name: 'cathedral', count: 1 },
        ]);
        expect(await catalog.countTags('alice', { limit: 1, prefix: 'cat' })).toEqual([
          { name: 'cat', count: 1 },
        ]);
        expect(await catalog.countTags('alice', { limit: 10, prefix: 'ç' })).toEqual([
          { name: 'ça va', count: 1 },
        ]);
        expect(await catalog.countTags('alice', { limit: 10, prefix: 'car.*' })).toEqual([]);
      }));

    it('when the owner’s tags change, then the change version moves (a cached listing is stale)', () =>
      withCatalog(async (catalog) => {
        if (!catalog.changeVersion) return; // an adapter that cannot tell caches nothing
        const id = await added(catalog, 'alice', 'cat');
        let version = await catalog.changeVersion('alice');
        for (const edit of [
          () => catalog.editTags('alice', [id], { add: ['x'], remove: [] }),
          () => catalog.renameTag('alice', 'x', 'y'),
          () => catalog.removeTag('alice', 'y'),
        ]) {
          await edit();
          const next = await catalog.changeVersion('alice');
          expect(next).not.toBe(version);
          version = next;
        }
      }));
  });
}
