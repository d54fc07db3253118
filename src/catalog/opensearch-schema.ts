// The OpenSearch catalog's index and its schema version: created with the current mapping when
// missing; an index of an older version gets the new fields added in place (`PUT _mapping`, no
// reindex, no downtime) and its documents rewritten in the background by a resumable backfill.
// Touches only the catalog's index, through DocumentStore.
import { errorType, translate, translated } from './opensearch-client.js';
import { upgraded } from './opensearch-documents.js';
import { IMAGE_MAPPING, SCHEMA_VERSION, V2_ADDED_PROPERTIES } from './opensearch-mapping.js';
import type { DocumentStore, Versioned } from './opensearch-store.js';

/** Documents per backfill page and `_bulk`: big enough to be few requests, small enough to be quick. */
export const BACKFILL_PAGE = 500;

interface IndexMapping {
  _meta?: { schemaVersion?: unknown };
  properties?: Record<string, unknown>;
}

/**
 * Creates the index, or brings an older one to SCHEMA_VERSION. Answers the backfill's promise
 * (already settled when there is nothing to do) inside an object, so that awaiting this does not
 * await it: open() does not wait for the backfill, since a listing works meanwhile; only `q`
 * misses the documents not rewritten yet. `stop` ends the backfill after the page in hand; the
 * next open resumes it.
 */
export async function ensureSchema(
  store: DocumentStore,
  serverless: boolean,
  stop: AbortSignal,
): Promise<{ backfill: Promise<void> }> {
  const mapping = await readMapping(store);
  if (mapping === undefined) {
    await create(store, serverless);
    return { backfill: Promise.resolve() };
  }
  if (Number(mapping._meta?.schemaVersion ?? 1) >= SCHEMA_VERSION) {
    return { backfill: Promise.resolve() };
  }
  if (mapping.properties?.words === undefined) {
    // Additive: OpenSearch accepts new fields on a live index; existing documents stay valid.
    await translated(
      store.client.indices.putMapping({
        index: store.index,
        body: { properties: V2_ADDED_PROPERTIES },
      }),
    );
  }
  return { backfill: backfill(store, stop) };
}

async function readMapping(store: DocumentStore): Promise<IndexMapping | undefined> {
  const { body, statusCode } = await translated(
    store.client.indices.getMapping({ index: store.index }, { ignore: [404] }),
  );
  if (statusCode === 404) return undefined;
  // The response is keyed by the concrete index name (the configured one may be an alias).
  const [entry] = Object.values(body as Record<string, { mappings?: IndexMapping }>);
  return entry?.mappings ?? {};
}

async function create(store: DocumentStore, serverless: boolean): Promise<void> {
  try {
    await store.client.indices.create({
      index: store.index,
      body: {
        // One shard keeps the terms aggregation's counts and order exact (per-shard top lists
        // are otherwise merged approximately); Serverless manages shards itself.
        ...(serverless ? {} : { settings: { index: { number_of_shards: 1 } } }),
        mappings: IMAGE_MAPPING,
      },
    });
  } catch (error) {
    // Another instance created it between our read and our create.
    if (errorType(error) === 'resource_already_exists_exception') return;
    throw translate(error);
  }
}

/**
 * Rewrites every document without `words`, a page at a time in id order, each write conditioned
 * on the version read: a document a user edits meanwhile is written by that edit (with its
 * words), and the backfill's stale copy is refused rather than undoing it. Then records the
 * version in `_meta`. A crash or a stop leaves `_meta` as it was, so the next open() starts again
 * and the `must_not exists` finds only what is left. Writes without refresh: nothing waits to read
 * them.
 */
async function backfill(store: DocumentStore, stop: AbortSignal): Promise<void> {
  let after: string | undefined;
  for (;;) {
    if (stop.aborted) return;
    const { hits } = await store.search({
      size: BACKFILL_PAGE,
      query: { bool: { must_not: [{ exists: { field: 'words' } }] } },
      sort: [{ id: { order: 'asc' } }],
      ...(after === undefined ? {} : { search_after: [after] }),
      seq_no_primary_term: true,
      track_total_hits: false,
    });
    const page: Versioned[] = hits.hits.map((hit) => ({
      doc: upgraded(hit._source),
      version: { if_seq_no: hit._seq_no!, if_primary_term: hit._primary_term! },
    }));
    if (stop.aborted) return;
    // A conflict is a concurrent write, which wrote the v2 fields itself: nothing to redo.
    await store.writeVersioned(page, {});
    if (page.length < BACKFILL_PAGE) break;
    after = page.at(-1)!.doc.id;
  }
  await translated(
    store.client.indices.putMapping({
      index: store.index,
      body: { _meta: { schemaVersion: SCHEMA_VERSION } },
    }),
  );
}
