// ImageCatalog on the local SQLite file (INDEX=sqlite). better-sqlite3 is synchronous; the port's
// promises are honoured by async methods. Schema and the reasons for its layout: db/migrations.ts
// (v3): an image row carries its tags, and image_tags, kept from them by triggers, is the search
// index. Every read is one statement, so it sees one snapshot without a transaction around it.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/database.js';
import { ImageAlreadyExists } from '../domain/errors.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { ImageCatalog, ListQuery, Page } from './image-catalog.js';
import type { ImageRecord, ImageStatus, Tag, TagCount } from '../domain/image.js';

/** A row in raw (array) mode, in COLUMNS order: no per-row object for the driver to build. */
type ImageRow = [
  id: string,
  filename: string,
  contentType: string,
  size: number,
  status: ImageStatus,
  createdAt: string,
  taggedAt: string | null,
  error: string | null,
  tags: string,
];

// Owners are numbered in the file (owners.n, see migration v3); a statement finds the number
// itself, once per statement, so a read is still one statement.
const OWNER = `(SELECT n FROM owners WHERE id = @owner)`;

const COLUMNS = `i.id, i.filename, i.content_type, i.size, i.status, i.created_at, i.tagged_at,
  i.error, i.tags`;
// Keyset predicate written as a range on created_at plus a tie-break, which SQLite turns into a
// key range (a row-value comparison against a DESC key column may not be).
const AFTER_IMAGE = `AND i.created_at <= @createdAt AND (i.created_at < @createdAt OR i.id < @id)`;
const AFTER_TAG = `AND t.created_at <= @createdAt AND (t.created_at < @createdAt OR t.image_id < @id)`;

const listAll = (after: string) => `
  SELECT ${COLUMNS} FROM images i WHERE i.owner = ${OWNER} ${after}
  ORDER BY i.created_at DESC, i.id DESC LIMIT @limit`;

// Walk the driving tag's key range in page order, probe each other tag of an AND by exact key
// (a primary key match is at most one row, so a join is an EXISTS), and only then read the image
// on its primary key. CROSS JOIN pins that order (SQLite never reorders it, with or without
// ANALYZE). The unary + keeps the planner off images_by_id, a second B-tree descent for the row.
const listTagged = (others: number, after: string) => `
  SELECT ${COLUMNS} FROM image_tags t
  ${Array.from(
    { length: others },
    (_, k) => `
    CROSS JOIN image_tags o${k} ON o${k}.owner = t.owner AND o${k}.name = @other${k}
      AND o${k}.created_at = t.created_at AND o${k}.image_id = t.image_id`,
  ).join('')}
  CROSS JOIN images i
    ON i.owner = t.owner AND i.created_at = t.created_at AND +i.id = t.image_id
  WHERE t.owner = ${OWNER} AND t.name = @tag ${after}
  ORDER BY t.created_at DESC, t.image_id DESC LIMIT @limit`;

/** The catalog's SQL, exported so the tests can check its query plans. */
export const CATALOG_SQL = {
  listAll: listAll(''),
  listAllAfter: listAll(AFTER_IMAGE),
  /** An AND of 1 + `others` tags; one statement per count, prepared when first needed. */
  listTagged: (others: number) => listTagged(others, ''),
  listTaggedAfter: (others: number) => listTagged(others, AFTER_TAG),
  tagCount: `SELECT count FROM tag_counts WHERE owner = ${OWNER} AND name = @name`,
  countTags: `
    SELECT name, count FROM tag_counts WHERE owner = ${OWNER} AND count > 0
    ORDER BY count DESC, name LIMIT @limit`,
  getImage: `SELECT ${COLUMNS} FROM images i WHERE i.id = @id AND i.owner = ${OWNER}`,
  /** Bumped by triggers on every change to the owner's images (migration v4). */
  changeVersion: `SELECT version FROM owners WHERE id = @owner`,
  addOwner: `INSERT INTO owners (id) VALUES (@owner) ON CONFLICT (id) DO NOTHING`,
  /** The images_tags_* triggers of the schema write image_tags (and tag_counts) from `tags`. */
  insertImage: `
    INSERT INTO images (id, owner, filename, content_type, size, status, created_at, tagged_at,
      error, tags)
    VALUES (@id, ${OWNER}, @filename, @contentType, @size, @status, @createdAt, @taggedAt, @error,
      @tags)`,
  setTagged: `
    UPDATE images SET status = 'tagged', tagged_at = @taggedAt, error = NULL, tags = @tags
    WHERE id = @id AND owner = ${OWNER}`,
  setFailed: `
    UPDATE images SET status = 'failed', tagged_at = NULL, error = @error, tags = '[]'
    WHERE id = @id AND owner = ${OWNER}`,
  setPending: `
    UPDATE images SET status = 'pending', tagged_at = NULL, error = NULL, tags = '[]'
    WHERE id = @id AND owner = ${OWNER}`,
  deleteImage: `DELETE FROM images WHERE id = @id AND owner = ${OWNER}`,
} as const;

type Key = { owner: string; id: string };
type Position = { createdAt: string; id: string };
type TaggedQuery = { owner: string; tag: string; limit: number } & Partial<Position> &
  Record<`other${number}`, string>;

function prepare(db: Db) {
  const s = CATALOG_SQL;
  const rows = <P extends object>(sql: string) => db.prepare<P, ImageRow>(sql).raw(true);
  return {
    listAll: rows<{ owner: string; limit: number }>(s.listAll),
    listAllAfter: rows<{ owner: string; limit: number } & Position>(s.listAllAfter),
    tagCount: db.prepare<{ owner: string; name: string }, number>(s.tagCount).pluck(true),
    countTags: db.prepare<{ owner: string; limit: number }, TagCount>(s.countTags),
    getImage: rows<Key>(s.getImage),
    changeVersion: db.prepare<{ owner: string }, number>(s.changeVersion).pluck(true),
    addOwner: db.prepare<{ owner: string }>(s.addOwner),
    insertImage: db.prepare<Record<string, string | number | null>>(s.insertImage),
    setTagged: db.prepare<Key & { taggedAt: string; tags: string }>(s.setTagged),
    setFailed: db.prepare<Key & { error: string }>(s.setFailed),
    setPending: db.prepare<Key>(s.setPending),
    deleteImage: db.prepare<Key>(s.deleteImage),
  };
}

export class SqliteImageCatalog implements ImageCatalog {
  private readonly sql: ReturnType<typeof prepare>;
  /** listTagged statements by [others][after ? 1 : 0]; at most 20 tags a query (the route). */
  private readonly tagged: Statement<TaggedQuery, ImageRow>[][] = [];

  constructor(private readonly db: Db) {
    this.sql = prepare(db);
  }

  /** A duplicate id throws ImageAlreadyExists. Tags are stored only when the status is `tagged`. */
  async insert(image: ImageRecord): Promise<void> {
    try {
      this.sql.addOwner.run({ owner: image.ownerId });
      this.sql.insertImage.run({
        id: image.id,
        owner: image.ownerId,
        filename: image.filename,
        contentType: image.contentType,
        size: image.size,
        status: image.status,
        createdAt: image.createdAt,
        taggedAt: image.taggedAt ?? null,
        error: image.error ?? null,
        // Only tagged images carry tags (the port's invariant, and what tag_counts counts).
        tags: image.status === 'tagged' ? encodeTags(image.tags) : '[]',
      });
    } catch (error) {
      if (
        isConstraint(error, 'SQLITE_CONSTRAINT_UNIQUE') ||
        isConstraint(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')
      ) {
        throw new ImageAlreadyExists(image.id);
      }
      throw error;
    }
  }

  async get(ownerId: string, id: string): Promise<ImageRecord | undefined> {
    const row = this.sql.getImage.get({ owner: ownerId, id });
    return row === undefined ? undefined : toRecord(ownerId, row);
  }

  /** `limit` is 1 or more (the route validates it); `tags` are already normalised. */
  async list(ownerId: string, query: ListQuery): Promise<Page<ImageRecord>> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const limit = query.limit;
    const rows = this.pageRows(ownerId, query.tags, limit + 1, after);
    const items = new Array<ImageRecord>(Math.min(limit, rows.length));
    for (let k = 0; k < items.length; k += 1) items[k] = toRecord(ownerId, rows[k]!);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return {
      items,
      nextCursor: last === undefined ? null : encodeCursor({ createdAt: last[5], id: last[0] }),
    };
  }

  async countTags(ownerId: string, limit: number): Promise<TagCount[]> {
    return this.sql.countTags.all({ owner: ownerId, limit });
  }

  /**
   * An owner with no row has no images; its first insert makes the row (version 0) and bumps it,
   * so '0' is never the version of a non-empty catalog.
   */
  async changeVersion(ownerId: string): Promise<string> {
    return String(this.sql.changeVersion.get({ owner: ownerId }) ?? 0);
  }

  /** Does nothing when the owner has no such image (deleted while it was being tagged). */
  async markTagged(ownerId: string, id: string, tags: Tag[], taggedAt: string): Promise<void> {
    this.sql.setTagged.run({ owner: ownerId, id, taggedAt, tags: encodeTags(tags) });
  }

  /** Does nothing when the owner has no such image. */
  async markFailed(ownerId: string, id: string, error: string): Promise<void> {
    this.sql.setFailed.run({ owner: ownerId, id, error });
  }

  /** Does nothing when the owner has no such image. */
  async markPending(ownerId: string, id: string): Promise<void> {
    this.sql.setPending.run({ owner: ownerId, id });
  }

  async remove(ownerId: string, id: string): Promise<boolean> {
    return this.sql.deleteImage.run({ owner: ownerId, id }).changes > 0;
  }

  private pageRows(owner: string, names: string[], limit: number, after?: Position): ImageRow[] {
    if (names.length === 0) {
      return after === undefined
        ? this.sql.listAll.all({ owner, limit })
        : this.sql.listAllAfter.all({ owner, limit, ...after });
    }
    const tags = [...new Set(names)];
    if (tags.length > 1) {
      // Drive from the rarest tag: its key range is the shortest walk to a page of matches.
      const counts = new Map<string, number>();
      for (const name of tags) {
        const count = this.sql.tagCount.get({ owner, name });
        if (count === undefined) return []; // a tag no image carries: nothing can match
        counts.set(name, count);
      }
      tags.sort((a, b) => counts.get(a)! - counts.get(b)! || compare(a, b));
    }
    const params: TaggedQuery = { owner, tag: tags[0]!, limit, ...after };
    for (let k = 1; k < tags.length; k += 1) params[`other${k - 1}`] = tags[k]!;
    return this.taggedStatement(tags.length - 1, after !== undefined).all(params);
  }

  private taggedStatement(others: number, after: boolean): Statement<TaggedQuery, ImageRow> {
    const byAfter = (this.tagged[others] ??= []);
    const sql = after ? CATALOG_SQL.listTaggedAfter(others) : CATALOG_SQL.listTagged(others);
    return (byAfter[after ? 1 : 0] ??= this.db.prepare<TaggedQuery, ImageRow>(sql).raw(true));
  }
}

function toRecord(ownerId: string, row: ImageRow): ImageRecord {
  const record: ImageRecord = {
    id: row[0],
    ownerId,
    filename: row[1],
    contentType: row[2],
    size: row[3],
    status: row[4],
    tags: decodeTags(row[8]),
    createdAt: row[5],
  };
  if (row[6] !== null) record.taggedAt = row[6];
  if (row[7] !== null) record.error = row[7];
  return record;
}

/**
 * images.tags: [[name, confidence], …], one entry per name (the highest confidence kept), sorted
 * as the port returns them, so reading needs no sort. Arrays, not objects: half the bytes.
 */
export function encodeTags(tags: Tag[]): string {
  const best = new Map<string, number>();
  for (const { name, confidence } of tags) {
    const seen = best.get(name);
    if (seen === undefined || confidence > seen) best.set(name, confidence);
  }
  const entries = [...best].sort((a, b) => b[1] - a[1] || compare(a[0], b[0]));
  return JSON.stringify(entries);
}

function decodeTags(text: string): Tag[] {
  if (text === '[]') return [];
  const entries = JSON.parse(text) as [string, number][];
  const tags = new Array<Tag>(entries.length);
  for (let k = 0; k < entries.length; k += 1) {
    tags[k] = { name: entries[k]![0], confidence: entries[k]![1] };
  }
  return tags;
}

// Code-unit order, as SQLite's BINARY collation sorts names in countTags.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const isConstraint = (error: unknown, code: string) =>
  error instanceof Error && (error as Error & { code?: unknown }).code === code;
