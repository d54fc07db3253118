// A listing with q in the SQLite catalog (sqlite.ts calls searchRows; index: db/search-index.ts,
// tokens: db/search-tokens.ts). One FTS5 query holds every filter: q's words as prefixes, and as
// whole terms the tags (AND and OR), notTags (NOT), the status and untagged, so each of them
// narrows the posting lists FTS5 walks instead of costing rows read and dropped.
//
// The index's rowids (images.doc) follow createdAt to the millisecond, so a page is one walk of
// the index in rowid order that stops after the limit-th match and the rest of its millisecond,
// however many images the owner has; then the rows of those docs, put in exact (created_at, id)
// order past the cursor, and cut. The walk starts at the cursor's millisecond, whose images
// before the cursor are read and dropped: rowid order is createdAt order only to the millisecond.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/database.js';
import { docBase, SLOT_MASK } from '../db/search-index.js';
import { ownerKey, STATE, TAG, tagToken, WORD } from '../db/search-tokens.js';
import type { ListOrder } from './image-catalog.js';
import { compare, type Filters, type NormalQuery } from './list-query.js';
import { COLUMNS, OWNER } from './sqlite-list.js';
import type { ImageRow } from './sqlite-rows.js';

/** The owner's number, the first part of its tokens; an owner with no row has no images. */
export const OWNER_NUMBER = `SELECT n FROM owners WHERE id = @owner`;

/** The matches in page order, from @from (a doc, inclusive) when `after`. */
export function walkSql(order: ListOrder, after: boolean): string {
  const [cmp, dir] = order === 'newest' ? ['<=', 'DESC'] : ['>=', 'ASC'];
  return `SELECT rowid FROM image_search WHERE image_search MATCH @match
    ${after ? `AND rowid ${cmp} @from` : ''} ORDER BY rowid ${dir}`;
}

/**
 * The rows of the docs in @docs (a JSON array, in walk order), past the cursor when `after`. They
 * come back in walk order, which is page order but for images of the same millisecond: searchRows
 * sorts those, cheaper in JS than SQLite's sorter, which would copy every column of every row.
 */
export function rowsSql(order: ListOrder, after: boolean): string {
  const cmp = order === 'newest' ? '<' : '>';
  const keyset = after
    ? `AND i.created_at ${cmp}= @createdAt AND (i.created_at ${cmp} @createdAt OR i.id ${cmp} @id)`
    : '';
  // The owner test is the tokens' owner scoping said again, so no bug there could show another
  // owner's image. CROSS JOIN: the docs in their order, each row by images_by_doc.
  return `SELECT ${COLUMNS} FROM json_each(@docs) d CROSS JOIN images i ON i.doc = d.value
  WHERE i.owner = ${OWNER} ${keyset}`;
}

export interface SearchStatements {
  ownerNumber: Statement<{ owner: string }, number>;
  walk: (order: ListOrder, after: boolean) => Statement<Record<string, unknown>, bigint>;
  rows: (order: ListOrder, after: boolean) => Statement<Record<string, unknown>, ImageRow>;
}

/** The statements searchRows runs, each prepared once. */
export function prepareSearch(db: Db): SearchStatements {
  const cache = new Map<string, Statement>();
  const once = <T extends Statement>(key: string, make: () => T): T => {
    let statement = cache.get(key) as T | undefined;
    if (statement === undefined) cache.set(key, (statement = make()));
    return statement;
  };
  return {
    ownerNumber: db.prepare<{ owner: string }, number>(OWNER_NUMBER).pluck(true),
    // Docs are past 2^53: read them as BigInt.
    walk: (order, after) =>
      once(`walk/${order}/${after}`, () =>
        db
          .prepare<Record<string, unknown>, bigint>(walkSql(order, after))
          .pluck(true)
          .safeIntegers(true),
      ),
    rows: (order, after) =>
      once(`rows/${order}/${after}`, () =>
        db.prepare<Record<string, unknown>, ImageRow>(rowsSql(order, after)).raw(true),
      ),
  };
}

/** limit + 1 rows of the owner's images that match the query (which has q), in page order. */
export function searchRows(sql: SearchStatements, owner: string, query: NormalQuery): ImageRow[] {
  const n = sql.ownerNumber.get({ owner });
  if (n === undefined) return [];
  const limit = query.limit + 1;
  const newest = query.order === 'newest';
  const after = query.after !== undefined;
  // The cursor's millisecond: its first doc (newest) or its last (oldest).
  const cursorMs = after ? docBase(query.after!.createdAt) : undefined;
  const from = cursorMs === undefined ? undefined : newest ? cursorMs + SLOT_MASK : cursorMs;
  const docs: bigint[] = [];
  let past = 0; // matches past the cursor's millisecond
  let stop: bigint | undefined; // the last doc of the limit-th match's millisecond
  const params = { match: matchExpression(n, query), ...(from === undefined ? {} : { from }) };
  for (const doc of sql.walk(query.order, after).iterate(params)) {
    if (stop !== undefined && (newest ? doc < stop : doc > stop)) break;
    docs.push(doc);
    const ms = doc & ~SLOT_MASK;
    if (ms !== cursorMs && ++past === limit) stop = newest ? ms : ms | SLOT_MASK;
  }
  if (docs.length === 0) return [];
  const rows = sql
    .rows(query.order, after)
    .all({ owner, docs: `[${docs.join(',')}]`, ...query.after });
  const sign = newest ? -1 : 1;
  // ImageRow: [5] is created_at, [0] the id. Array.prototype.sort is stable and rows are nearly
  // sorted already: only a millisecond's images can be out of order.
  rows.sort((a, b) => sign * (compare(a[5], b[5]) || compare(a[0], b[0])));
  return rows.length > limit ? rows.slice(0, limit) : rows;
}

const quoted = (token: string) => `"${token}"`;

/**
 * The FTS5 query of every filter for the owner numbered `owner`. Tokens need no escaping inside
 * the quotes: words have only letters and digits, and tagToken replaces every other ASCII
 * character of a name, the quote included. A query with q always has a word, so NOT has a left side.
 */
export function matchExpression(owner: number, filters: Filters): string {
  const key = ownerKey(owner);
  const tag = (name: string) => quoted(`${key}${TAG}${tagToken(name)}`);
  const terms = filters.words.map((word) => `${quoted(`${key}${WORD}${word}`)}*`);
  terms.push(...filters.all.map(tag));
  if (filters.any.length > 0) terms.push(`(${filters.any.map(tag).join(' OR ')})`);
  if (filters.untagged) terms.push(quoted(`${key}${STATE}untagged`));
  else if (filters.status !== undefined) terms.push(quoted(`${key}${STATE}${filters.status}`));
  return [`(${terms.join(' AND ')})`, ...filters.none.map(tag)].join(' NOT ');
}
