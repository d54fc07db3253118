// ImageCatalog on an OpenSearch index (INDEX=opensearch): one document per image, id = image id.
// Tag names are a keyword array (`tagNames`) so a tag filter is a `term` per name (AND for free,
// no nested queries) and counting tags is a plain `terms` aggregation; `tags` keeps the
// name+confidence pairs for display only and is not indexed at all.
import type { Client } from '@opensearch-project/opensearch';
import { ImageAlreadyExists, ImageChangedConcurrently } from '../domain/errors.js';
import {
  createClient,
  errorType,
  statusOf,
  translate,
  translated,
  type OpenSearchCatalogOptions,
} from './opensearch-client.js';
import {
  IMAGE_MAPPING,
  toDoc,
  toRecord,
  type ImageDoc,
  type State,
} from './opensearch-documents.js';
import type { ImageCatalog, ListQuery, Page } from './image-catalog.js';
import { nextCursor, normaliseListQuery, type NormalQuery } from './list-query.js';
import type { ImageRecord, Tag, TagCount } from '../domain/image.js';

export type { OpenSearchCatalogOptions } from './opensearch-client.js';

type Version = { if_seq_no: number; if_primary_term: number };
/** The clauses list() sends: term, terms (any of) and exists, in filter context. */
type Clause =
  | { term: Record<string, string> }
  | { terms: Record<string, string[]> }
  | { exists: { field: string } };
/** The part of a search response that list() and countTags() read. */
interface SearchResult {
  hits: { hits: { _source: ImageDoc }[] };
  aggregations?: { tags?: { buckets: { key: string; doc_count: number }[] } };
}

const BY_COUNT_THEN_NAME = [{ _count: 'desc' }, { _key: 'asc' }];

export class OpenSearchImageCatalog implements ImageCatalog {
  private constructor(
    private readonly client: Client,
    private readonly index: string,
    /** Query parameters every write carries. */
    private readonly writeParams: { refresh?: 'wait_for' },
  ) {}

  /** Connects and creates the index with IMAGE_MAPPING when it does not exist yet. */
  static async open(options: OpenSearchCatalogOptions): Promise<OpenSearchImageCatalog> {
    const client = options.client ?? (await createClient(options));
    const serverless = options.awsService === 'aoss';
    // A search sees a write only after a refresh (every second by default). `wait_for` holds the
    // write's response until that refresh, so a listing right after a write sees it, without
    // forcing tiny segments the way `refresh=true` does. Serverless does not support the
    // parameter and makes writes searchable on its own schedule: there a listing may lag a write.
    const writeParams = serverless ? {} : { refresh: 'wait_for' as const };
    const catalog = new OpenSearchImageCatalog(client, options.index, writeParams);
    await catalog.ensureIndex(serverless);
    return catalog;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /** A duplicate id throws ImageAlreadyExists. Tags are stored only when the status is `tagged`. */
  async insert(image: ImageRecord): Promise<void> {
    const { status, taggedAt, error } = image;
    const tags = status === 'tagged' ? image.tags : [];
    const body = toDoc(image, { status, tags, taggedAt, error });
    const { index, writeParams } = this;
    try {
      await this.client.index({ index, id: image.id, body, op_type: 'create', ...writeParams });
    } catch (error) {
      if (statusOf(error) === 409) throw new ImageAlreadyExists(image.id);
      throw translate(error);
    }
  }

  async get(ownerId: string, id: string): Promise<ImageRecord | undefined> {
    const found = await this.read(id);
    return found?.doc.ownerId === ownerId ? toRecord(found.doc) : undefined;
  }

  /** `limit` is 1 or more (the route validates it); names are already normalised. */
  async list(ownerId: string, query: ListQuery): Promise<Page<ImageRecord>> {
    const normal = normaliseListQuery(query);
    if (normal.matchesNothing) return { items: [], nextCursor: null };
    const { after, limit } = normal;
    const order = normal.order === 'newest' ? 'desc' : 'asc';
    const body = await this.search({
      size: limit + 1,
      query: { bool: listFilters(ownerId, normal) },
      sort: [{ createdAt: { order } }, { id: { order } }],
      // Dates sort (and so resume) as epoch milliseconds.
      ...(after ? { search_after: [Date.parse(after.createdAt), after.id] } : {}),
      track_total_hits: false,
    });
    const docs = body.hits.hits.map((hit) => hit._source);
    const page = docs.slice(0, limit);
    const last = docs.length > limit ? page.at(-1) : undefined;
    return {
      items: page.map(toRecord),
      nextCursor: nextCursor(normal, last && { createdAt: last.createdAt, id: last.id }),
    };
  }

  async countTags(ownerId: string, limit: number): Promise<TagCount[]> {
    if (limit < 1) return [];
    const body = await this.search({
      size: 0,
      query: { bool: { filter: [{ term: { ownerId } }, { term: { status: 'tagged' } }] } },
      aggs: { tags: { terms: { field: 'tagNames', size: limit, order: BY_COUNT_THEN_NAME } } },
      track_total_hits: false,
    });
    const buckets = body.aggregations?.tags?.buckets ?? [];
    return buckets.map((bucket) => ({ name: bucket.key, count: bucket.doc_count }));
  }

  /** Does nothing when the owner has no such image (deleted while it was being tagged). */
  async markTagged(ownerId: string, id: string, tags: Tag[], taggedAt: string): Promise<void> {
    await this.rewrite(ownerId, id, { status: 'tagged', tags, taggedAt });
  }

  /** Does nothing when the owner has no such image. */
  async markFailed(ownerId: string, id: string, error: string): Promise<void> {
    await this.rewrite(ownerId, id, { status: 'failed', tags: [], error });
  }

  /** Does nothing when the owner has no such image. */
  async markPending(ownerId: string, id: string): Promise<void> {
    await this.rewrite(ownerId, id, { status: 'pending', tags: [] });
  }

  async remove(ownerId: string, id: string): Promise<boolean> {
    return this.guarded(ownerId, id, async (version) => {
      const { body } = await this.client.delete(
        { index: this.index, id, ...version, ...this.writeParams },
        { ignore: [404] },
      );
      return body.result === 'deleted';
    });
  }

  private async ensureIndex(serverless: boolean): Promise<void> {
    try {
      const { body: exists } = await this.client.indices.exists({ index: this.index });
      if (exists) return;
      await this.client.indices.create({
        index: this.index,
        body: {
          // One shard keeps the terms aggregation's counts and order exact (per-shard top lists
          // are otherwise merged approximately); Serverless manages shards itself.
          ...(serverless ? {} : { settings: { index: { number_of_shards: 1 } } }),
          mappings: IMAGE_MAPPING,
        },
      });
    } catch (error) {
      // Another instance created it between our check and our create.
      if (errorType(error) === 'resource_already_exists_exception') return;
      throw translate(error);
    }
  }

  private async read(id: string): Promise<{ doc: ImageDoc; version: Version } | undefined> {
    const { body } = await translated(
      this.client.get({ index: this.index, id }, { ignore: [404] }),
    );
    if (body.found !== true) return undefined;
    const version = { if_seq_no: body._seq_no!, if_primary_term: body._primary_term! };
    return { doc: body._source as ImageDoc, version };
  }

  private async search(body: Record<string, unknown>): Promise<SearchResult> {
    const response = await translated(this.client.search({ index: this.index, body }));
    // The client types a body as any index's; these are the fields our queries ask for.
    return response.body as unknown as SearchResult;
  }

  /** Replaces the owner's document's state, unless someone else wrote it meanwhile. */
  private async rewrite(ownerId: string, id: string, state: State) {
    await this.guarded(ownerId, id, async (version, doc) => {
      const body = toDoc(doc, state);
      await this.client.index({ index: this.index, id, body, ...version, ...this.writeParams });
      return true;
    });
  }

  /**
   * Reads the document, checks its owner and runs `write` conditioned on the version read
   * (`if_seq_no`/`if_primary_term`), so a write never lands on another owner's document nor
   * undoes a concurrent one. A version conflict re-reads and tries once more.
   */
  private async guarded(
    ownerId: string,
    id: string,
    write: (version: Version, doc: ImageDoc) => Promise<boolean>,
  ): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const found = await this.read(id);
      if (found === undefined || found.doc.ownerId !== ownerId) return false;
      try {
        return await write(found.version, found.doc);
      } catch (error) {
        if (statusOf(error) !== 409) throw translate(error);
        if (attempt === 2) throw new ImageChangedConcurrently(id);
      }
    }
  }
}

/**
 * The query of a listing, every clause in filter context (no scoring; each clause's bitset is
 * cached per segment and reused across owners' queries): AND is a term per tag, OR one `terms`,
 * NOT one `terms` under must_not, untagged a must_not `exists` (an empty keyword array indexes
 * nothing, so no tag means no `tagNames` value).
 */
function listFilters(ownerId: string, query: NormalQuery) {
  const filter: Clause[] = [{ term: { ownerId } }];
  const mustNot: Clause[] = [];
  if (query.status !== undefined) filter.push({ term: { status: query.status } });
  for (const name of query.all) filter.push({ term: { tagNames: name } });
  if (query.any.length > 0) filter.push({ terms: { tagNames: query.any } });
  if (query.none.length > 0) mustNot.push({ terms: { tagNames: query.none } });
  if (query.untagged) mustNot.push({ exists: { field: 'tagNames' } });
  return mustNot.length > 0 ? { filter, must_not: mustNot } : { filter };
}
