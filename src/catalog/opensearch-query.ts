// The query DSL the OpenSearch catalog sends for a listing and for tag counts (pure: builds JSON,
// sends nothing). Every clause is in filter context: no scoring, and each clause's bitset is
// cached per segment and reused across owners' queries.
import type { TagCountQuery } from './image-catalog.js';
import type { NormalQuery } from './list-query.js';

/** The leaf queries the catalog sends; test/support/opensearch-fake-dsl.ts evaluates exactly these. */
export type Clause =
  | { term: Record<string, string> }
  | { terms: Record<string, string[]> }
  | { exists: { field: string } }
  | { prefix: Record<string, string> };

export interface BoolQuery {
  filter: Clause[];
  must_not?: Clause[];
}

/**
 * AND is a term per tag, OR one `terms`, NOT one `terms` under must_not, untagged a must_not
 * `exists` (an empty keyword array indexes nothing, so no tag means no `tagNames` value). Tag
 * filters imply no status: a user's tag stays on a pending or failed image. `q` is a `prefix` per
 * word on `words`: a word matches when it starts some word of the filename, text or a tag name,
 * exactly what searchWords makes of both sides, so it means what SQLite's FTS5 prefix match means.
 */
export function listFilters(ownerId: string, query: NormalQuery): BoolQuery {
  const filter: Clause[] = [{ term: { ownerId } }];
  const mustNot: Clause[] = [];
  if (query.status !== undefined) filter.push({ term: { status: query.status } });
  for (const name of query.all) filter.push({ term: { tagNames: name } });
  if (query.any.length > 0) filter.push({ terms: { tagNames: query.any } });
  for (const word of query.words) filter.push({ prefix: { words: word } });
  if (query.none.length > 0) mustNot.push({ terms: { tagNames: query.none } });
  if (query.untagged) mustNot.push({ exists: { field: 'tagNames' } });
  return mustNot.length > 0 ? { filter, must_not: mustNot } : { filter };
}

/**
 * Every visible tag of the owner's images, whatever their status (a model's tag is only on a
 * tagged image; a user's stays on any), as SQLite's tag_counts counts them. A prefix both narrows
 * the documents (a `prefix` filter, one term range) and the buckets (`include`, a regular
 * expression: the prefix with every Lucene regexp operator escaped, then `.*`), since a document
 * with one matching name carries others too.
 */
export function tagCountSearch(ownerId: string, { limit, prefix }: TagCountQuery) {
  const filter: Clause[] = [{ term: { ownerId } }];
  if (prefix) filter.push({ prefix: { tagNames: prefix } });
  const include = prefix ? { include: `${escapeRegexp(prefix)}.*` } : {};
  return {
    size: 0,
    query: { bool: { filter } },
    aggs: {
      tags: {
        terms: {
          field: 'tagNames',
          size: limit,
          order: [{ _count: 'desc' }, { _key: 'asc' }],
          ...include,
        },
      },
    },
    track_total_hits: false,
  };
}

/**
 * In Lucene's regexp syntax a backslash makes any character literal, so every ASCII punctuation
 * mark is escaped: the operators (with every optional one on) are all among them, and a name
 * cannot widen the match whatever it holds.
 */
export const escapeRegexp = (text: string) => text.replace(/[!-/:-@[-`{-~]/g, '\\$&');
