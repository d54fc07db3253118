// Schema v7 (migrations.ts appends it): image_search, the FTS5 index behind contract v2's `q` in
// the SQLite catalog. Its tokens are written by db/search-tokens.ts; its queries by
// catalog/sqlite-search.ts.
//
// The index walks in page order. Each image row gets `doc`, its image_search rowid: its createdAt
// in milliseconds times 2^20, plus a slot among the images of that same millisecond. So rowid
// order is createdAt order up to the millisecond, for every owner at once, and an FTS5 query
// walked by rowid reaches a page of the newest (or oldest) matches and stops, whatever the
// owner's image count; sqlite-search.ts puts the images of one millisecond in (createdAt, id)
// order itself. A doc never changes: createdAt cannot (images_key_no_update).
// 2^20 slots per millisecond, and milliseconds up to the year 2248 fit a signed 64-bit rowid.
import type { Db } from './database.js';
import { INDEXED_PREFIX_LETTERS, KEY_CHARS, searchTokens } from './search-tokens.js';

const SLOT_BITS = 20n;
/** The slots of one millisecond: doc & SLOT_MASK is the slot, the rest is the millisecond's base. */
export const SLOT_MASK = (1n << SLOT_BITS) - 1n;

/** The first doc of the millisecond of `createdAt` (an ISO timestamp, as every image has). */
export const docBase = (createdAt: string): bigint => BigInt(Date.parse(createdAt)) << SLOT_BITS;

/** The doc of a new image created at @createdAt: the next free slot of its millisecond. */
export const NEXT_DOC = `coalesce((SELECT max(doc) + 1 FROM images
  WHERE doc >= search_doc_base(@createdAt) AND doc <= search_doc_base(@createdAt) + ${SLOT_MASK}),
  search_doc_base(@createdAt))`;

/**
 * The SQL functions of the index: search_tokens (db/search-tokens.ts) and search_doc_base
 * (docBase), for the triggers, the backfill and NEXT_DOC. Every connection that writes images
 * needs them (migrate registers them), so the sqlite3 shell can read the file but not write an
 * image.
 */
export function registerSearchFunctions(db: Db): void {
  db.function('search_doc_base', { deterministic: true }, (createdAt) =>
    docBase(String(createdAt)),
  );
  db.function(
    'search_tokens',
    { deterministic: true },
    (owner, filename, text, tags, userTags, status) =>
      searchTokens(
        Number(owner),
        String(filename),
        text as string | null,
        String(tags),
        String(userTags),
        String(status),
      ),
  );
}

const TOKENS = (i: string) =>
  `search_tokens(${i}.owner, ${i}.filename, ${i}.text, ${i}.tags, ${i}.user_tags, ${i}.status)`;

// Prefix indexes for word prefixes of 1 to INDEXED_PREFIX_LETTERS letters (after the owner's key),
// so a prefix of q reads one ready-made posting list in rowid order, lazily, as a whole word does.
const prefixes = Array.from({ length: INDEXED_PREFIX_LETTERS }, (_, k) => KEY_CHARS + 1 + k);

// Contentless (the image rows hold the text) with contentless_delete, so a row can be replaced and
// removed; detail=none, since q matches words, never phrases.
export const v7 = `
  ALTER TABLE images ADD COLUMN doc INTEGER NOT NULL DEFAULT 0;

  UPDATE images AS i SET doc = d.doc FROM (
    SELECT owner, created_at, id, search_doc_base(created_at)
      + row_number() OVER (PARTITION BY search_doc_base(created_at) ORDER BY id) - 1 AS doc
    FROM images) d
  WHERE i.owner = d.owner AND i.created_at = d.created_at AND i.id = d.id;

  CREATE UNIQUE INDEX images_by_doc ON images (doc);

  DROP TRIGGER images_key_no_update;
  CREATE TRIGGER images_key_no_update BEFORE UPDATE OF owner, created_at, id, doc ON images BEGIN
    SELECT RAISE(ABORT, 'an image''s owner, created_at, id and doc never change');
  END;

  CREATE VIRTUAL TABLE image_search USING fts5 (
    words, content = '', contentless_delete = 1, tokenize = 'ascii', detail = none,
    prefix = '${prefixes.join(' ')}'
  );

  INSERT INTO image_search (rowid, words) SELECT i.doc, ${TOKENS('i')} FROM images i ORDER BY i.doc;
  INSERT INTO image_search (image_search) VALUES ('optimize');

  CREATE TRIGGER images_search_insert AFTER INSERT ON images BEGIN
    INSERT INTO image_search (rowid, words) VALUES (new.doc, ${TOKENS('new')});
  END;

  CREATE TRIGGER images_search_update
  AFTER UPDATE OF filename, text, tags, user_tags, status ON images BEGIN
    INSERT OR REPLACE INTO image_search (rowid, words) VALUES (new.doc, ${TOKENS('new')});
  END;

  CREATE TRIGGER images_search_delete AFTER DELETE ON images BEGIN
    DELETE FROM image_search WHERE rowid = old.doc;
  END;
`;
