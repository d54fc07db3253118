// ImageCatalog on an OpenSearch index (INDEX=opensearch): one document per image, id = image id.
// Tag names are a keyword array (`tagNames`, the model's and the user's) so a tag filter is a
// `term` per name (AND for free, no nested queries) and counting tags is a plain `terms`
// aggregation. The parts: the mapping (opensearch-mapping.ts), documents (opensearch-documents.ts),
// the DSL (opensearch-query.ts), reads and versioned writes (opensearch-store.ts), tag edits
// (opensearch-tags.ts), the index's creation and migration (opensearch-schema.ts).
import { ImageAlreadyExists, ImageChangedConcurrently } from '../domain/errors.js';
import type { ImageRecord, TagCount } from '../domain/image.js';
import { withModelTags, withoutModelTags, type TagEdit } from '../domain/tag-edits.js';
import type { ImageCatalog, ListQuery, Page, Processed, TagCountQuery } from './image-catalog.js';
import { nextCursor, normaliseListQuery } from './list-query.js';
import {
  createClient,
  statusOf,
  translate,
  type OpenSearchCatalogOptions,
} from './opensearch-client.js';
import {
  recordToDoc,
  stateOf,
  toDoc,
  toRecord,
  type DocState,
  type ImageDoc,
} from './opensearch-documents.js';
import { listFilters, tagCountSearch } from './opensearch-query.js';
import { ensureSchema } from './opensearch-schema.js';
import { DocumentStore, type Version } from './opensearch-store.js';
import { OpenSearchTagWrites } from './opensearch-tags.js';

export type { OpenSearchCatalogOptions } from './opensearch-client.js';

export class OpenSearchImageCatalog implements ImageCatalog {
  private readonly tagWrites: OpenSearchTagWrites;

  private constructor(
    private readonly store: DocumentStore,
    /**
     * Settles when every document has the current schema's fields (at once for a new index).
     * Until then `q` misses the documents not rewritten yet; everything else is unaffected.
     */
    readonly schemaReady: Promise<void>,
    private readonly stopBackfill: AbortController,
  ) {
    this.tagWrites = new OpenSearchTagWrites(store);
  }

  /** Connects, and creates the index or migrates an older one (opensearch-schema.ts). */
  static async open(options: OpenSearchCatalogOptions): Promise<OpenSearchImageCatalog> {
    const client = options.client ?? (await createClient(options));
    const serverless = options.awsService === 'aoss';
    // A search sees a write only after a refresh (every second by default). `wait_for` holds the
    // write's response until that refresh, so a listing right after a write sees it, without
    // forcing tiny segments the way `refresh=true` does. Serverless does not support the
    // parameter and makes writes searchable on its own schedule: there a listing may lag a write.
    const writeParams = serverless ? {} : { refresh: 'wait_for' as const };
    const store = new DocumentStore(client, options.index, writeParams);
    const stopBackfill = new AbortController();
    const { backfill } = await ensureSchema(store, serverless, stopBackfill.signal);
    // A failed backfill is resumed by the next open(); it must not crash this process meanwhile.
    const schemaReady = backfill.catch((error: unknown) => {
      process.emitWarning(
        `The OpenSearch backfill stopped; the next start resumes it: ${String(error)}`,
      );
    });
    return new OpenSearchImageCatalog(store, schemaReady, stopBackfill);
  }

  /** Stops a running backfill after its page in hand (the next open resumes it), then closes. */
  async close(): Promise<void> {
    this.stopBackfill.abort();
    await this.schemaReady;
    await this.store.client.close();
  }

  /** A duplicate id throws ImageAlreadyExists. The model's tags are stored only when `tagged`. */
  async insert(image: ImageRecord): Promise<void> {
    const { client, index, writeParams } = this.store;
    const body = recordToDoc(image);
    try {
      await client.index({ index, id: image.id, body, op_type: 'create', ...writeParams });
    } catch (error) {
      if (statusOf(error) === 409) throw new ImageAlreadyExists(image.id);
      throw translate(error);
    }
  }

  async get(ownerId: string, id: string): Promise<ImageRecord | undefined> {
    const found = await this.store.read(id);
    return found?.doc.ownerId === ownerId ? toRecord(found.doc) : undefined;
  }

  /** `limit` is 1 or more (the route validates it); names are already normalised. */
  async list(ownerId: string, query: ListQuery): Promise<Page<ImageRecord>> {
    const normal = normaliseListQuery(query);
    if (normal.matchesNothing) return { items: [], nextCursor: null };
    const { after, limit } = normal;
    const order = normal.order === 'newest' ? 'desc' : 'asc';
    const body = await this.store.search({
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

  async countTags(ownerId: string, query: TagCountQuery): Promise<TagCount[]> {
    if (query.limit < 1) return [];
    const body = await this.store.search(tagCountSearch(ownerId, query));
    const buckets = body.aggregations?.tags?.buckets ?? [];
    return buckets.map((bucket) => ({ name: bucket.key, count: bucket.doc_count }));
  }

  /** Does nothing when the owner has no such image (deleted while it was being tagged). */
  async markTagged(ownerId: string, id: string, processed: Processed): Promise<void> {
    const { labels, taggedAt, width, height, text } = processed;
    await this.rewrite(ownerId, id, (state) => ({
      status: 'tagged',
      tags: withModelTags(state.tags, labels),
      ...{ taggedAt, width, height, text },
    }));
  }

  /** Does nothing when the owner has no such image. */
  async markFailed(ownerId: string, id: string, error: string): Promise<void> {
    await this.rewrite(ownerId, id, (state) => untagged(state, 'failed', error));
  }

  /** Does nothing when the owner has no such image. */
  async markPending(ownerId: string, id: string): Promise<void> {
    await this.rewrite(ownerId, id, (state) => untagged(state, 'pending'));
  }

  async editTags(ownerId: string, ids: string[], edit: TagEdit): Promise<ImageRecord[]> {
    return this.tagWrites.editTags(ownerId, ids, edit);
  }

  async renameTag(ownerId: string, from: string, into: string): Promise<TagCount> {
    return this.tagWrites.renameTag(ownerId, from, into);
  }

  async removeTag(ownerId: string, name: string): Promise<number> {
    return this.tagWrites.removeTag(ownerId, name);
  }

  async remove(ownerId: string, id: string): Promise<boolean> {
    return this.guarded(ownerId, id, async (version) => {
      const { client, index, writeParams } = this.store;
      const { body } = await client.delete(
        { index, id, ...version, ...writeParams },
        { ignore: [404] },
      );
      return body.result === 'deleted';
    });
  }

  /** Replaces the owner's document's state, unless someone else wrote it meanwhile. */
  private async rewrite(ownerId: string, id: string, change: (state: DocState) => DocState) {
    await this.guarded(ownerId, id, async (version, doc) => {
      const { client, index, writeParams } = this.store;
      const body = toDoc(doc, change(stateOf(doc)));
      await client.index({ index, id, body, ...version, ...writeParams });
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
      const found = await this.store.read(id);
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

/** Pending or failed: the model's findings (tags, text, taggedAt) go; the user's tags stay. */
function untagged(state: DocState, status: 'pending' | 'failed', error?: string): DocState {
  const { width, height } = state;
  return { status, tags: withoutModelTags(state.tags), error, width, height };
}
