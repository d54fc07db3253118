// The ImageCatalog contract against OpenSearchImageCatalog, plus the exact requests it sends.
//
// No real OpenSearch can run on this machine (no package, no reachable download), so the adapter
// talks over HTTP to test/support/opensearch-fake.ts: an in-memory server on 127.0.0.1 that
// evaluates the subset of the API and query DSL the adapter uses and refuses anything else with a
// 400. What it cannot prove is that real OpenSearch reads that DSL the same way; the request
// assertions below pin the DSL to what OpenSearch documents, so a change shows up here.
import { createHash, randomUUID } from 'node:crypto';
import OpenSearch from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ImageRecord } from '../../src/domain/image.js';
import type { ListQuery } from '../../src/catalog/image-catalog.js';
import { OpenSearchImageCatalog } from '../../src/catalog/opensearch.js';
import { imageCatalogTextContract } from './image-catalog-text.contract.js';
import { IMAGE_MAPPING } from '../../src/catalog/opensearch-mapping.js';
import {
  DomainError,
  ImageAlreadyExists,
  ImageChangedConcurrently,
} from '../../src/domain/errors.js';
import { toHttpError } from '../../src/http/problem.js';
import { TransientError } from '../../src/domain/errors.js';
import { startOpenSearchFake, type OpenSearchFake } from '../support/opensearch-fake.js';
import { imageCatalogContract } from './image-catalog.contract.js';

let fake: OpenSearchFake;
beforeAll(async () => {
  fake = await startOpenSearchFake();
});
afterAll(() => fake.close());

const newIndex = () => `images-${randomUUID()}`;

const openSearchHarness = async () => {
  const client = new OpenSearch.Client({ node: fake.url });
  const catalog = await OpenSearchImageCatalog.open({ url: fake.url, index: newIndex(), client });
  return { catalog, close: () => catalog.close() };
};

imageCatalogContract('OpenSearch via an in-memory fake', openSearchHarness);
imageCatalogTextContract(openSearchHarness, 'OpenSearch via an in-memory fake');

const image = (ownerId: string, extra: Partial<ImageRecord> = {}): ImageRecord => ({
  id: randomUUID(),
  ownerId,
  filename: 'a.jpg',
  contentType: 'image/jpeg',
  size: 10,
  status: 'pending',
  tags: [],
  createdAt: '2025-01-01T00:00:00.000Z',
  ...extra,
});

/** Opens a catalog on a fresh index and returns it with the requests sent from then on. */
async function opened(options: { awsService?: 'es' | 'aoss'; region?: string } = {}) {
  const index = newIndex();
  const from = fake.requests.length;
  const catalog = await OpenSearchImageCatalog.open({
    url: fake.url,
    index,
    ...options,
    credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
  });
  const sent = (since = from) => fake.requests.slice(since).filter((r) => r.path.includes(index));
  return { catalog, index, sent, mark: () => fake.requests.length };
}

describe('OpenSearchImageCatalog requests', () => {
  it('when opened on a missing index, then it is created once with the strict mapping', async () => {
    const { catalog, index, sent } = await opened();
    expect(sent().map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /${index}/_mapping`,
      `PUT /${index}`,
    ]);
    expect(fake.created(index)).toEqual({
      settings: { index: { number_of_shards: 1 } },
      mappings: {
        dynamic: 'strict',
        _meta: { schemaVersion: 2 },
        properties: {
          id: { type: 'keyword' },
          ownerId: { type: 'keyword' },
          filename: { type: 'keyword', index: false, doc_values: false },
          contentType: { type: 'keyword' },
          size: { type: 'long' },
          status: { type: 'keyword' },
          createdAt: { type: 'date', format: 'strict_date_optional_time' },
          taggedAt: { type: 'date', format: 'strict_date_optional_time' },
          error: { type: 'text', index: false },
          tagNames: { type: 'keyword' },
          tags: { type: 'object', enabled: false },
          userTags: { type: 'keyword', index: false, doc_values: false },
          vetoes: { type: 'keyword', index: false, doc_values: false },
          width: { type: 'long', index: false },
          height: { type: 'long', index: false },
          text: { type: 'text', index: false },
          words: {
            type: 'text',
            analyzer: 'whitespace',
            index_prefixes: { min_chars: 1, max_chars: 10 },
          },
        },
      },
    });
    const from = fake.requests.length;
    const again = await OpenSearchImageCatalog.open({ url: fake.url, index });
    expect(sent(from).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /${index}/_mapping`]);
    await Promise.all([catalog.close(), again.close()]);
  });

  it('when listing by two tags after a cursor, then one search of term filters and search_after', async () => {
    const { catalog, index, sent, mark } = await opened();
    const at = (s: number) => `2025-01-01T00:00:0${s}.000Z`;
    const tags = [
      { name: 'dog', confidence: 0.9, source: 'model' as const },
      { name: 'cat', confidence: 0.8, source: 'model' as const },
    ];
    for (let s = 1; s <= 3; s++) {
      await catalog.insert(image('alice', { status: 'tagged', tags, createdAt: at(s) }));
    }
    const first = await catalog.list('alice', { tags: ['dog', 'cat', 'dog'], limit: 2 });
    const last = first.items[1]!;
    const from = mark();
    const second = await catalog.list('alice', {
      tags: ['dog', 'cat'],
      limit: 2,
      cursor: first.nextCursor!,
    });
    expect(second.items).toHaveLength(1);
    expect(sent(from)).toEqual([
      expect.objectContaining({ method: 'POST', path: `/${index}/_search`, query: {} }),
    ]);
    expect(sent(from)[0]!.body).toEqual({
      size: 3,
      query: {
        bool: {
          filter: [
            { term: { ownerId: 'alice' } },
            { term: { tagNames: 'cat' } },
            { term: { tagNames: 'dog' } },
          ],
        },
      },
      sort: [{ createdAt: { order: 'desc' } }, { id: { order: 'desc' } }],
      search_after: [Date.parse(last.createdAt), last.id],
      track_total_hits: false,
    });
    await catalog.close();
  });

  it('when listing with each filter, then exactly this bool query and sort', async () => {
    const { catalog, sent, mark } = await opened();
    const owner = { term: { ownerId: 'alice' } };
    const tagged = { term: { status: 'tagged' } };
    const newest = [{ createdAt: { order: 'desc' } }, { id: { order: 'desc' } }];
    const oldest = [{ createdAt: { order: 'asc' } }, { id: { order: 'asc' } }];
    const forms: [Omit<ListQuery, 'limit'>, Record<string, unknown>, unknown[]][] = [
      [{ tags: [] }, { filter: [owner] }, newest],
      [{ tags: [], order: 'oldest' }, { filter: [owner] }, oldest],
      [{ tags: ['b', 'a'] }, { filter: [owner, tn('a'), tn('b')] }, newest],
      [
        { tags: [], anyTags: ['person', 'car'] },
        { filter: [owner, { terms: { tagNames: ['car', 'person'] } }] },
        newest,
      ],
      [
        { tags: [], notTags: ['person'] },
        { filter: [owner], must_not: [{ terms: { tagNames: ['person'] } }] },
        newest,
      ],
      [
        { tags: ['dog'], notTags: ['cat', 'car'], order: 'oldest' },
        { filter: [owner, tn('dog')], must_not: [{ terms: { tagNames: ['car', 'cat'] } }] },
        oldest,
      ],
      [{ tags: [], status: 'failed' }, { filter: [owner, { term: { status: 'failed' } }] }, newest],
      [
        { tags: [], status: 'pending' },
        { filter: [owner, { term: { status: 'pending' } }] },
        newest,
      ],
      [
        { tags: [], untagged: true },
        { filter: [owner, tagged], must_not: [{ exists: { field: 'tagNames' } }] },
        newest,
      ],
      [
        { tags: ['a'], anyTags: ['b', 'c'], notTags: ['d'], status: 'tagged' },
        {
          filter: [owner, tagged, tn('a'), { terms: { tagNames: ['b', 'c'] } }],
          must_not: [{ terms: { tagNames: ['d'] } }],
        },
        newest,
      ],
      [
        { tags: ['a'], q: 'Été  photo-2024 été' },
        {
          filter: [
            owner,
            tn('a'),
            { prefix: { words: '2024' } },
            { prefix: { words: 'ete' } },
            { prefix: { words: 'photo' } },
          ],
        },
        newest,
      ],
    ];
    for (const [query, bool, sort] of forms) {
      const from = mark();
      await catalog.list('alice', { ...query, limit: 20 });
      expect(sent(from).map((r) => r.body)).toEqual([
        { size: 21, query: { bool }, sort, track_total_hits: false },
      ]);
    }
    // A query that can match nothing sends nothing.
    const from = mark();
    await catalog.list('alice', { tags: ['a'], untagged: true, limit: 20 });
    expect(sent(from)).toEqual([]);
    await catalog.close();
  });

  it('when paging oldest first, then search_after resumes ascending', async () => {
    const { catalog, sent, mark } = await opened();
    for (let s = 1; s <= 3; s++) {
      await catalog.insert(image('alice', { createdAt: `2025-01-01T00:00:0${s}.000Z` }));
    }
    const first = await catalog.list('alice', { tags: [], order: 'oldest', limit: 2 });
    const last = first.items[1]!;
    const from = mark();
    const second = await catalog.list('alice', {
      tags: [],
      order: 'oldest',
      limit: 2,
      cursor: first.nextCursor!,
    });
    expect(second.items.map((i) => i.createdAt)).toEqual(['2025-01-01T00:00:03.000Z']);
    expect(sent(from)[0]!.body).toMatchObject({
      sort: [{ createdAt: { order: 'asc' } }, { id: { order: 'asc' } }],
      search_after: [Date.parse(last.createdAt), last.id],
    });
    await catalog.close();
  });

  it('when counting tags, then a terms aggregation over every one of the owner’s images', async () => {
    const { catalog, index, sent, mark } = await opened();
    let from = mark();
    await catalog.countTags('alice', { limit: 5 });
    expect(sent(from)).toEqual([
      expect.objectContaining({ method: 'POST', path: `/${index}/_search` }),
    ]);
    const order = [{ _count: 'desc' }, { _key: 'asc' }];
    expect(sent(from)[0]!.body).toEqual({
      size: 0,
      query: { bool: { filter: [{ term: { ownerId: 'alice' } }] } },
      aggs: { tags: { terms: { field: 'tagNames', size: 5, order } } },
      track_total_hits: false,
    });
    from = mark();
    await catalog.countTags('alice', { limit: 5, prefix: 'c.a*t (x)' });
    expect(sent(from).map((r) => r.body)).toEqual([
      {
        size: 0,
        query: {
          bool: { filter: [{ term: { ownerId: 'alice' } }, { prefix: { tagNames: 'c.a*t (x)' } }] },
        },
        aggs: {
          tags: {
            terms: { field: 'tagNames', size: 5, order, include: 'c\\.a\\*t \\(x\\).*' },
          },
        },
        track_total_hits: false,
      },
    ]);
    await catalog.close();
  });

  it('when writing, then each write waits for refresh and updates are conditional on the version read', async () => {
    const { catalog, index, sent, mark } = await opened();
    const img = image('alice');
    let from = mark();
    await catalog.insert(img);
    const [create] = sent(from);
    expect(create).toMatchObject({
      method: 'PUT',
      path: `/${index}/_doc/${img.id}`,
      query: { op_type: 'create', refresh: 'wait_for' },
      body: {
        id: img.id,
        ownerId: 'alice',
        status: 'pending',
        tagNames: [],
        tags: [],
        userTags: [],
        vetoes: [],
        words: 'a jpg',
      },
    });

    from = mark();
    const labels = [{ name: 'dog', confidence: 0.9 }];
    await catalog.markTagged('alice', img.id, {
      labels,
      taggedAt: img.createdAt,
      width: 640,
      height: 480,
      text: 'Hôtel du Nord',
    });
    const [read, write] = sent(from);
    expect(read).toMatchObject({ method: 'GET', path: `/${index}/_doc/${img.id}`, query: {} });
    expect(write).toMatchObject({
      method: 'PUT',
      path: `/${index}/_doc/${img.id}`,
      query: { refresh: 'wait_for', if_seq_no: '0', if_primary_term: '1' },
      body: {
        status: 'tagged',
        tagNames: ['dog'],
        tags: [{ name: 'dog', confidence: 0.9 }],
        width: 640,
        height: 480,
        text: 'Hôtel du Nord',
        words: 'a jpg hotel du nord dog',
      },
    });

    from = mark();
    expect(await catalog.remove('alice', img.id)).toBe(true);
    expect(sent(from)[1]).toMatchObject({
      method: 'DELETE',
      query: { refresh: 'wait_for', if_seq_no: '1', if_primary_term: '1' },
    });
    await catalog.close();
  });

  it('when another owner writes, then only a read is sent', async () => {
    const { catalog, sent, mark } = await opened();
    const img = image('alice');
    await catalog.insert(img);
    const from = mark();
    const processed = { labels: [{ name: 'cat', confidence: 1 }], taggedAt: img.createdAt };
    await catalog.markTagged('bob', img.id, processed);
    await catalog.markFailed('bob', img.id, 'nope');
    expect(await catalog.remove('bob', img.id)).toBe(false);
    expect(sent(from).map((r) => r.method)).toEqual(['GET', 'GET', 'GET']);
    await catalog.close();
  });

  it('when a conditional write meets a version conflict, then it re-reads and retries once', async () => {
    const { catalog, sent, mark } = await opened();
    const img = image('alice');
    await catalog.insert(img);
    const conditional = (r: { method: string; query: Record<string, string> }) =>
      r.method === 'PUT' && r.query.if_seq_no !== undefined;
    fake.failNext(409, 'version_conflict_engine_exception', conditional);
    let from = mark();
    await catalog.markFailed('alice', img.id, 'Unreadable.');
    expect(sent(from).map((r) => r.method)).toEqual(['GET', 'PUT', 'GET', 'PUT']);
    expect(await catalog.get('alice', img.id)).toMatchObject({ status: 'failed' });

    fake.failNext(409, 'version_conflict_engine_exception', conditional);
    fake.failNext(409, 'version_conflict_engine_exception', conditional);
    from = mark();
    const error = await catalog.markPending('alice', img.id).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImageChangedConcurrently);
    expect(toHttpError(error)).toMatchObject({ status: 409 });
    expect(sent(from)).toHaveLength(4);
    await catalog.close();
  });

  it('when the same id is inserted twice, then ImageAlreadyExists (a 409)', async () => {
    const { catalog } = await opened();
    const img = image('alice');
    await catalog.insert(img);
    const again = catalog.insert({ ...img, ownerId: 'bob' });
    await expect(again).rejects.toBeInstanceOf(ImageAlreadyExists);
    const error = await catalog.insert(img).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(toHttpError(error)).toMatchObject({ status: 409 });
    expect(await catalog.get('bob', img.id)).toBeUndefined();
    await catalog.close();
  });

  it('when OpenSearch throttles or fails, then a TransientError', async () => {
    const { catalog, index } = await opened();
    for (const [status, type] of [
      [429, 'too_many_requests'],
      [500, 'internal_server_error'],
    ] as const) {
      fake.failNext(status, type, (r) => r.path === `/${index}/_search`);
      const listing = catalog.list('alice', { tags: [], limit: 5 });
      await expect(listing).rejects.toBeInstanceOf(TransientError);
    }
    await catalog.close();
  });

  it('when OpenSearch cannot be reached, then opening fails with a TransientError', async () => {
    const gone = await startOpenSearchFake();
    await gone.close();
    const client = new OpenSearch.Client({ node: gone.url, maxRetries: 0 });
    const opening = OpenSearchImageCatalog.open({ url: gone.url, index: newIndex(), client });
    await expect(opening).rejects.toBeInstanceOf(TransientError);
    await client.close();
  });
});

describe('the OpenSearch fake', () => {
  it('when a request strays from what the adapter is known to send, then a 400', async () => {
    const { catalog, index } = await opened();
    const client = new OpenSearch.Client({ node: fake.url });
    const refused = async (request: Promise<unknown>) => {
      const error: unknown = await request.then(
        () => undefined,
        (e: unknown) => e,
      );
      return (error as { meta?: { statusCode?: number } } | undefined)?.meta?.statusCode;
    };
    const doc = { ...image('alice'), tagNames: [] };
    expect(await refused(client.search({ index, body: { query: { match: { id: 'x' } } } }))).toBe(
      400,
    );
    const must = { query: { bool: { must: [{ term: { ownerId: 'alice' } }] } } };
    expect(await refused(client.search({ index, body: must }))).toBe(400);
    const wrongSort = { sort: [{ filename: { order: 'asc' as const } }] };
    expect(await refused(client.search({ index, body: wrongSort }))).toBe(400);
    const extraField = { ...doc, colour: 'red' };
    expect(await refused(client.index({ index, id: doc.id, body: extraField }))).toBe(400);
    const badParam = { index, id: doc.id, body: doc, refresh: 'wait_for', pipeline: 'x' } as const;
    expect(await refused(client.index(badParam))).toBe(400);
    await Promise.all([client.close(), catalog.close()]);
  });

  it('when OpenSearch refuses a request, then the adapter throws a plain Error (a 500)', async () => {
    const { catalog } = await opened();
    const insert = catalog.insert(image('alice', { createdAt: 'yesterday' }));
    const error: unknown = await insert.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(DomainError);
    expect(error).not.toBeInstanceOf(TransientError);
    expect((error as Error).message).toContain('mapper_parsing_exception');
    await catalog.close();
  });
});

describe('OpenSearchImageCatalog on AWS', () => {
  const SIGNATURE =
    /^AWS4-HMAC-SHA256 Credential=(\w+)\/\d{8}\/eu-west-1\/(es|aoss)\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/;

  it('when awsService is es, then every request is SigV4-signed for that region and service', async () => {
    const { catalog, sent } = await opened({ awsService: 'es', region: 'eu-west-1' });
    await catalog.insert(image('alice'));
    await catalog.list('alice', { tags: ['dog'], limit: 5 });
    expect(sent().length).toBeGreaterThanOrEqual(4);
    for (const request of sent()) {
      const match = SIGNATURE.exec(String(request.headers.authorization));
      expect(match?.slice(1)).toEqual(['AKIDEXAMPLE', 'es']);
      expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
      const body = request.body === undefined ? '' : JSON.stringify(request.body);
      const digest = createHash('sha256').update(body).digest('hex');
      expect(request.headers['x-amz-content-sha256']).toBe(digest);
    }
    await catalog.close();
  });

  it('when no credentials are given, then the default chain reads them from the environment', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFROMENV');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret-from-env');
    vi.stubEnv('AWS_PROFILE', undefined);
    try {
      const index = newIndex();
      const from = fake.requests.length;
      const catalog = await OpenSearchImageCatalog.open({
        url: fake.url,
        index,
        awsService: 'es',
        region: 'eu-west-1',
      });
      const [first] = fake.requests.slice(from);
      expect(SIGNATURE.exec(String(first?.headers.authorization))?.[1]).toBe('AKIDFROMENV');
      await catalog.close();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('when awsService is aoss, then writes skip refresh, and a listing sees them once published', async () => {
    const { catalog, index, sent } = await opened({ awsService: 'aoss', region: 'eu-west-1' });
    expect(fake.created(index)).toEqual({ mappings: IMAGE_MAPPING });
    const img = image('alice');
    await catalog.insert(img);
    const create = sent().find((r) => r.method === 'PUT' && r.path.includes('/_doc/'));
    expect(create?.query).toEqual({ op_type: 'create' });
    expect(SIGNATURE.exec(String(create?.headers.authorization))?.[2]).toBe('aoss');
    // Serverless publishes writes on its own schedule; the fake does it when told.
    expect((await catalog.list('alice', { tags: [], limit: 5 })).items).toEqual([]);
    fake.refresh();
    expect(ids((await catalog.list('alice', { tags: [], limit: 5 })).items)).toEqual([img.id]);
    await catalog.close();
  });
});

const ids = (images: { id: string }[]) => images.map((i) => i.id);

const tn = (name: string) => ({ term: { tagNames: name } });
