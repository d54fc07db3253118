// The OpenSearch catalog's index mapping, by schema version, and what a migration from one to the
// next adds. Data only (no client): opensearch-schema.ts applies it, the tests assert it.

/** Written to the mapping's `_meta` once every document has the current version's fields. */
export const SCHEMA_VERSION = 2;

/** v1's fields: what an index created before contract v2 holds. */
export const V1_PROPERTIES = {
  id: { type: 'keyword' }, // the listing's tie-breaker: sorting needs a field, not `_id`
  ownerId: { type: 'keyword' },
  // Shown, never searched: neither indexed nor in doc values (so no keyword length limit).
  filename: { type: 'keyword', index: false, doc_values: false },
  contentType: { type: 'keyword' },
  size: { type: 'long' },
  status: { type: 'keyword' },
  // `date` stores milliseconds, the precision of the port's timestamps (no date_nanos needed).
  createdAt: { type: 'date', format: 'strict_date_optional_time' },
  taggedAt: { type: 'date', format: 'strict_date_optional_time' },
  error: { type: 'text', index: false },
  /** Every visible name (the model's and the user's): what tag filters and counts read. */
  tagNames: { type: 'keyword' },
  /** The model's tags, name and confidence, for display only. */
  tags: { type: 'object', enabled: false },
} as const;

/**
 * What v2 adds, all optional on a document, so adding them is a plain `PUT _mapping` on a live
 * index: a v1 document stays valid as it is (no reindex), and only `q` needs it rewritten.
 */
export const V2_ADDED_PROPERTIES = {
  // Kept to recompute a TagState, never searched (tagNames is the searchable union).
  userTags: { type: 'keyword', index: false, doc_values: false },
  vetoes: { type: 'keyword', index: false, doc_values: false },
  width: { type: 'long', index: false },
  height: { type: 'long', index: false },
  text: { type: 'text', index: false },
  /**
   * `q`'s words (domain/search-words.ts of the filename, text and tag names, space-separated and
   * already lower-cased without accents, so `whitespace` is all the analysis needed). Each query
   * word is a `prefix` query; index_prefixes indexes every 1–10 character prefix as its own term,
   * so such a prefix is one term lookup instead of a walk over every word it starts.
   */
  words: {
    type: 'text',
    analyzer: 'whitespace',
    index_prefixes: { min_chars: 1, max_chars: 10 },
  },
} as const;

/** The index's mapping as open() creates it, exported so the tests can check what is sent. */
export const IMAGE_MAPPING = {
  // A typo in a field name fails the write instead of quietly growing the mapping.
  dynamic: 'strict',
  _meta: { schemaVersion: SCHEMA_VERSION },
  properties: { ...V1_PROPERTIES, ...V2_ADDED_PROPERTIES },
} as const;

/** v1's mapping, for the migration test's old index. */
export const V1_MAPPING = { dynamic: 'strict', properties: V1_PROPERTIES } as const;
