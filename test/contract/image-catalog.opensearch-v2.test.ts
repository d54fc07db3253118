// OpenSearchImageCatalog's contract v2 parts, with the exact requests they send: `q` (matched as
// SQLite matches it: every word a prefix of a word of the filename, text or a tag name, whatever
// the case and accents), tag edits as versioned `_bulk` writes that re-read what a concurrent
// writer changed, and the migration of an index created by v1 (additive mapping, backfill).
// Against test/support/opensearch-fake.ts, as image-catalog.opensearch.test.ts explains.
import { randomUUID } from 'node:crypto';
import OpenSearch from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageRecord } from '../../src/domain/image.js';
import { OpenSearchImageCatalog } from '../../src/catalog/opensearch.js';
import { V1_MAPPING } from '../../src/catalog/opensearch-mapping.js';
import { ImageChangedConcurrently, ImageNotFound } from '../../src/domain/errors.js';
import { startOpenSearchFake, type OpenSearchFake } from '../support/opensearch-fake.js';

let fake: OpenSearchFake;
beforeAll(async () => {
  fake = await startOpenSearchFake();
});
afterAll(() => fake.close());

let second = 0;
const image = (ownerId: string, extra: Partial<ImageRecord> = {}): ImageRecord => ({
  id: randomUUID(),
  ownerId,
  filename: 'a.jpg',
  contentType: 'image/jpeg',
  size: 10,
  status: 'pending',
  tags: [],
  createdAt: new Date(Date.UTC(2025, 0, 1) + ++second * 1000).toISOString(),
  ...extra,
});

async function opened(index = `images-${randomUUID()}`) {
  const from = fake.requests.length;
  const client = new OpenSearch.Client({ node: fake.url });
  const catalog = await OpenSearchImageCatalog.open({ url: fake.url, index, client });
  const sent = (since = from) => fake.requests.slice(since).filter((r) => r.path.includes(index));
  const calls = (since = from) =>
    fake.requests
      .slice(since)
      .filter((r) => r.path.includes(index) || r.path === '/_bulk')
      .map((r) => `${r.method} ${r.path}`);
  return { catalog, index, sent, calls, mark: () => fake.requests.length };
}

const found = async (catalog: OpenSearchImageCatalog, q: string, owner = 'alice') =>
  (await catalog.list(owner, { tags: [], q, limit: 50 })).items.map((i) => i.filename).sort();

describe('OpenSearchImageCatalog q', () => {
  it('when searching, then every word must start a word of the filename, text or a tag name', async () => {
    const { catalog } = await opened();
    await catalog.insert(image('alice', { filename: 'IMG_0042.JPG' }));
    await catalog.insert(
      image('alice', {
        filename: 'Été à Paris.png',
        status: 'tagged',
        text: 'Café de Flore',
        tags: [{ name: 'traffic light', confidence: 0.8, source: 'model' }],
      }),
    );
    await catalog.insert(
      image('alice', {
        filename: 'dog.webp',
        tags: [{ name: 'puppy', confidence: 1, source: 'user' }],
      }),
    );
    await catalog.insert(image('bob', { filename: 'img_0042.jpg' }));
    expect(await found(catalog, 'img')).toEqual(['IMG_0042.JPG']);
    expect(await found(catalog, '0042 jpg')).toEqual(['IMG_0042.JPG']);
    expect(await found(catalog, 'ete PAR')).toEqual(['Été à Paris.png']);
    expect(await found(catalog, 'CAFÉ flo')).toEqual(['Été à Paris.png']);
    expect(await found(catalog, 'light traf')).toEqual(['Été à Paris.png']);
    // A user's tag is searchable on an image of any status.
    expect(await found(catalog, 'pup')).toEqual(['dog.webp']);
    // A prefix of a word, never its middle; every word, not one of them.
    expect(await found(catalog, 'ight')).toEqual([]);
    expect(await found(catalog, 'img dog')).toEqual([]);
    expect(await found(catalog, 'img', 'bob')).toEqual(['img_0042.jpg']);
    await catalog.close();
  });

  it('when tags and text change, then q follows them', async () => {
    const { catalog } = await opened();
    const img = image('alice', { filename: 'x.png' });
    await catalog.insert(img);
    await catalog.markTagged('alice', img.id, {
      labels: [{ name: 'sailboat', confidence: 0.9 }],
      taggedAt: img.createdAt,
      text: 'Harbour',
    });
    expect(await found(catalog, 'sail harb')).toEqual(['x.png']);
    await catalog.editTags('alice', [img.id], { add: ['holiday'], remove: ['sailboat'] });
    expect(await found(catalog, 'sail')).toEqual([]);
    expect(await found(catalog, 'holi')).toEqual(['x.png']);
    await catalog.renameTag('alice', 'holiday', 'vacation');
    expect(await found(catalog, 'holi')).toEqual([]);
    expect(await found(catalog, 'vaca')).toEqual(['x.png']);
    // A retag forgets the text read before; the user's tags stay searchable.
    await catalog.markPending('alice', img.id);
    expect(await found(catalog, 'harbour')).toEqual([]);
    expect(await found(catalog, 'vacation')).toEqual(['x.png']);
    await catalog.close();
  });
});

describe('OpenSearchImageCatalog tag edits', () => {
  const versioned = (id: string, index: string) => ({
    index: { _index: index, _id: id, if_seq_no: expect.any(Number), if_primary_term: 1 },
  });

  it('when editing many images, then one _mget and one versioned _bulk that waits for refresh', async () => {
    const { catalog, index, sent, calls, mark } = await opened();
    const [a, b] = [image('alice'), image('alice')];
    await catalog.insert(a);
    await catalog.insert(b);
    const from = mark();
    const edited = await catalog.editTags('alice', [b.id, a.id], { add: ['trip'], remove: [] });
    expect(edited.map((i) => i.id)).toEqual([b.id, a.id]);
    expect(calls(from)).toEqual([`POST /${index}/_mget`, 'POST /_bulk']);
    const [mget, bulk] = [sent(from)[0]!, fake.requests.at(-1)!];
    expect(mget.body).toEqual({ ids: [b.id, a.id] });
    expect(bulk.query).toEqual({ refresh: 'wait_for' });
    expect(bulk.body).toEqual([
      versioned(b.id, index),
      expect.objectContaining({ id: b.id, userTags: ['trip'], tagNames: ['trip'] }),
      versioned(a.id, index),
      expect.objectContaining({ id: a.id, userTags: ['trip'], tagNames: ['trip'] }),
    ]);
    await catalog.close();
  });

  it('when one id is someone else’s, then nothing is written', async () => {
    const { catalog, calls, mark, index } = await opened();
    const [mine, theirs] = [image('alice'), image('bob')];
    await catalog.insert(mine);
    await catalog.insert(theirs);
    const from = mark();
    const edit = catalog.editTags('alice', [mine.id, theirs.id], { add: ['x'], remove: [] });
    await expect(edit).rejects.toBeInstanceOf(ImageNotFound);
    expect(calls(from)).toEqual([`POST /${index}/_mget`]);
    await catalog.close();
  });

  it('when a write meets a version conflict, then only that image is re-read and written again', async () => {
    const { catalog, index, sent, calls, mark } = await opened();
    const [a, b] = [image('alice'), image('alice')];
    await catalog.insert(a);
    await catalog.insert(b);
    fake.conflictNext(b.id);
    let from = mark();
    await catalog.editTags('alice', [a.id, b.id], { add: ['x'], remove: [] });
    expect(calls(from)).toEqual([
      `POST /${index}/_mget`,
      'POST /_bulk',
      `POST /${index}/_mget`,
      'POST /_bulk',
    ]);
    expect(sent(from).map((r) => r.body)).toEqual([{ ids: [a.id, b.id] }, { ids: [b.id] }]);
    expect((await catalog.get('alice', b.id))!.tags.map((t) => t.name)).toEqual(['x']);

    // Three rounds of conflicts: the caller is told to try again.
    fake.conflictNext(b.id, 3);
    from = mark();
    const edit = catalog.editTags('alice', [b.id], { add: ['y'], remove: [] });
    await expect(edit).rejects.toBeInstanceOf(ImageChangedConcurrently);
    expect(calls(from)).toHaveLength(6);
    await catalog.close();
  });

  it('when a retried round fails, then the images already written are put back: all or nothing', async () => {
    const { catalog, index, calls, mark } = await opened();
    const a = image('alice', { tags: [{ name: 'old', confidence: 1, source: 'user' }] });
    const b = image('alice');
    await catalog.insert(a);
    await catalog.insert(b);
    // A concurrent DELETE of b wins between the edit's read and its write: a is written, b is
    // not, and the round that re-reads b finds it gone.
    fake.conflictNext(b.id, 1, { deleted: true });
    const from = mark();
    const edit = catalog.editTags('alice', [a.id, b.id], { add: ['trip'], remove: ['old'] });
    await expect(edit).rejects.toBeInstanceOf(ImageNotFound);
    expect(calls(from)).toEqual([
      `POST /${index}/_mget`,
      'POST /_bulk',
      `POST /${index}/_mget`,
      // The undo: a read of what was written, and a write back conditioned on it.
      `POST /${index}/_mget`,
      'POST /_bulk',
    ]);
    const back = await catalog.get('alice', a.id);
    expect(back!.tags).toEqual([{ name: 'old', confidence: 1, source: 'user' }]);
    expect(await catalog.get('alice', b.id)).toBeUndefined();
    await catalog.close();
  });

  it('when a tag is renamed or removed everywhere, then a paged search by id and one versioned _bulk per page', async () => {
    const { catalog, index, calls, mark } = await opened();
    const a = image('alice', {
      status: 'tagged',
      tags: [{ name: 'puppy', confidence: 0.9, source: 'model' }],
    });
    const b = image('alice', { tags: [{ name: 'dog', confidence: 1, source: 'user' }] });
    await catalog.insert(a);
    await catalog.insert(b);
    let from = mark();
    expect(await catalog.renameTag('alice', 'puppy', 'dog')).toEqual({ name: 'dog', count: 2 });
    expect(calls(from)).toEqual([`POST /${index}/_search`, 'POST /_bulk']);
    const [search, bulk] = fake.requests.slice(from);
    expect(search!.body).toEqual({
      size: 500,
      query: {
        bool: {
          filter: [{ term: { ownerId: 'alice' } }, { terms: { tagNames: ['puppy', 'dog'] } }],
        },
      },
      sort: [{ id: { order: 'asc' } }],
      seq_no_primary_term: true,
      track_total_hits: false,
    });
    // b already had `dog`: only a is written.
    expect(bulk!.body).toEqual([
      versioned(a.id, index),
      expect.objectContaining({ id: a.id, userTags: ['dog'], vetoes: ['puppy'], tags: [] }),
    ]);
    from = mark();
    expect(await catalog.removeTag('alice', 'dog')).toBe(2);
    expect(calls(from)).toEqual([`POST /${index}/_search`, 'POST /_bulk']);
    expect(await catalog.removeTag('alice', 'dog')).toBe(0);
    await catalog.close();
  });
});

describe('OpenSearchImageCatalog migration of a v1 index', () => {
  /** An index as v1 made it: v1's mapping and v1's documents (no user tags, vetoes or words). */
  async function v1Index(count: number) {
    const index = `images-${randomUUID()}`;
    const client = new OpenSearch.Client({ node: fake.url });
    await client.indices.create({ index, body: { mappings: V1_MAPPING } });
    for (let k = 0; k < count; k += 1) {
      const createdAt = new Date(Date.UTC(2024, 0, 1) + k * 1000).toISOString();
      await client.index({
        index,
        id: `old-${k}`,
        body: {
          id: `old-${k}`,
          ownerId: 'alice',
          filename: `Holiday ${k}.jpg`,
          contentType: 'image/jpeg',
          size: 10,
          status: 'tagged',
          createdAt,
          taggedAt: createdAt,
          tagNames: ['dog'],
          tags: [{ name: 'dog', confidence: 0.9 }],
        },
      });
    }
    fake.refresh();
    return index;
  }

  it('when a v1 index is opened, then the fields are added in place and every old document becomes findable by q', async () => {
    const index = await v1Index(3);
    const { catalog, calls } = await opened(index);
    await catalog.schemaReady;
    fake.refresh();
    // Additive: one PUT _mapping with the new fields, the documents rewritten, then the version.
    const sent = calls();
    expect(sent[0]).toBe(`GET /${index}/_mapping`);
    expect(sent.filter((call) => call === `POST /${index}/_mapping`)).toHaveLength(2);
    expect(sent.some((call) => call.endsWith('/_bulk'))).toBe(true);
    const mapping = fake.mapping(index) as {
      _meta?: { schemaVersion?: number };
      properties: Record<string, unknown>;
    };
    expect(mapping._meta?.schemaVersion).toBe(2);
    expect(Object.keys(mapping.properties)).toEqual(expect.arrayContaining(['words', 'userTags']));
    // The old documents read as v2 records, and q finds them by filename and by tag.
    expect(await found(catalog, 'holi')).toEqual([
      'Holiday 0.jpg',
      'Holiday 1.jpg',
      'Holiday 2.jpg',
    ]);
    expect(await found(catalog, 'dog 1')).toEqual(['Holiday 1.jpg']);
    const old = await catalog.get('alice', 'old-0');
    expect(old?.tags).toEqual([{ name: 'dog', confidence: 0.9, source: 'model' }]);
    await catalog.close();
  });

  it('when the catalog is closed during the backfill, then it stops after the page in hand and the next open finishes it', async () => {
    const index = await v1Index(2);
    const first = await opened(index);
    // Closed while the backfill's first search is in flight: that page is not written.
    await first.catalog.close();
    expect(first.calls().filter((call) => call === 'POST /_bulk')).toEqual([]);
    const mapping = () => fake.mapping(index) as { _meta?: { schemaVersion?: number } };
    expect(mapping()._meta?.schemaVersion).toBeUndefined();

    const second = await opened(index);
    await second.catalog.schemaReady;
    fake.refresh();
    expect(mapping()._meta?.schemaVersion).toBe(2);
    expect(await found(second.catalog, 'holiday')).toEqual(['Holiday 0.jpg', 'Holiday 1.jpg']);
    await second.catalog.close();
  });

  it('when the backfill fails midway, then the version stays 1 and the next open finishes it', async () => {
    const index = await v1Index(2);
    // (Not a 502–504: the client retries those by itself.)
    fake.failNext(500, 'internal_server_error', (r) => r.path.endsWith('/_bulk'));
    const first = await opened(index);
    await first.catalog.schemaReady; // a failure is logged, not thrown
    const mapping = () => fake.mapping(index) as { _meta?: { schemaVersion?: number } };
    expect(mapping()._meta?.schemaVersion).toBeUndefined();
    await first.catalog.close();

    const second = await opened(index);
    await second.catalog.schemaReady;
    fake.refresh();
    expect(mapping()._meta?.schemaVersion).toBe(2);
    expect(await found(second.catalog, 'holiday')).toEqual(['Holiday 0.jpg', 'Holiday 1.jpg']);
    await second.catalog.close();
  });
});
