// ImageCatalog on the local SQLite file (INDEX=sqlite). better-sqlite3 is synchronous; the port's
// promises are honoured by async methods. Schema and the reasons for its indexes: db/migrations.ts.
import type { Db } from '../db/database.js';
import { conflict } from '../errors.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type {
  ImageCatalog,
  ImageRecord,
  ImageStatus,
  ListQuery,
  Page,
  Tag,
  TagCount,
} from './image-catalog.js';

interface ImageRow {
  id: string;
  owner_id: string;
  filename: string;
  content_type: string;
  size: number;
  status: ImageStatus;
  created_at: string;
  tagged_at: string | null;
  error: string | null;
}

interface TagRow {
  image_id: string;
  name: string;
  confidence: number;
}

const COLUMNS = `i.id, i.owner_id, i.filename, i.content_type, i.size, i.status, i.created_at,
  i.tagged_at, i.error`;
// Keyset predicate written as a range on created_at plus a tie-break, which SQLite turns into an
// index range (a row-value comparison against a DESC index column may not be).
const AFTER_IMAGE = `AND i.created_at <= @createdAt AND (i.created_at < @createdAt OR i.id < @id)`;
const AFTER_TAG = `AND t.created_at <= @createdAt AND (t.created_at < @createdAt OR t.image_id < @id)`;

// CROSS JOIN pins the join order in SQLite: walk the driving tag's index in page order and look
// each image up by key, rather than walk all the owner's images and probe their tags. The other
// tags of an AND (a JSON array, empty for one tag) are each checked on image_tags' primary key.
const listTagged = (after: string) => `
  SELECT ${COLUMNS} FROM image_tags t CROSS JOIN images i ON i.id = t.image_id
  WHERE t.owner_id = @owner AND t.name = @tag ${after}
    AND i.owner_id = @owner AND i.status = 'tagged'
    AND NOT EXISTS (
      SELECT 1 FROM json_each(@others) other
      WHERE NOT EXISTS (
        SELECT 1 FROM image_tags o WHERE o.image_id = t.image_id AND o.name = other.value))
  ORDER BY t.created_at DESC, t.image_id DESC LIMIT @limit`;

const listAll = (after: string) => `
  SELECT ${COLUMNS} FROM images i WHERE i.owner_id = @owner ${after}
  ORDER BY i.created_at DESC, i.id DESC LIMIT @limit`;

/** The catalog's SQL, exported so the tests can check its query plans. */
export const CATALOG_SQL = {
  listAll: listAll(''),
  listAllAfter: listAll(AFTER_IMAGE),
  listTagged: listTagged(''),
  listTaggedAfter: listTagged(AFTER_TAG),
  /** All the tags of one page of images in one query (never one query per image). */
  tagsOfImages: `
    SELECT t.image_id, t.name, t.confidence
    FROM json_each(@ids) page CROSS JOIN image_tags t ON t.image_id = page.value
    WHERE t.owner_id = @owner`,
  tagCountsOf: `
    SELECT name, count FROM tag_counts
    WHERE owner_id = @owner AND name IN (SELECT value FROM json_each(@tags))`,
  countTags: `
    SELECT name, count FROM tag_counts WHERE owner_id = @owner AND count > 0
    ORDER BY count DESC, name LIMIT @limit`,
  getImage: `SELECT ${COLUMNS} FROM images i WHERE i.id = @id AND i.owner_id = @owner`,
  insertImage: `
    INSERT INTO images (id, owner_id, filename, content_type, size, status, created_at, tagged_at,
      error)
    VALUES (@id, @owner, @filename, @contentType, @size, @status, @createdAt, @taggedAt, @error)`,
  insertTag: `
    INSERT INTO image_tags (image_id, name, confidence, owner_id, created_at)
    VALUES (@id, @name, @confidence, @owner, @createdAt)`,
  deleteTags: `DELETE FROM image_tags WHERE image_id = @id AND owner_id = @owner`,
  setTagged: `
    UPDATE images SET status = 'tagged', tagged_at = @taggedAt, error = NULL
    WHERE id = @id AND owner_id = @owner RETURNING created_at`,
  setFailed: `
    UPDATE images SET status = 'failed', tagged_at = NULL, error = @error
    WHERE id = @id AND owner_id = @owner`,
  setPending: `
    UPDATE images SET status = 'pending', tagged_at = NULL, error = NULL
    WHERE id = @id AND owner_id = @owner`,
  deleteImage: `DELETE FROM images WHERE id = @id AND owner_id = @owner`,
} as const;

type Key = { owner: string; id: string };
type Position = { createdAt: string; id: string };

function prepare(db: Db) {
  const s = CATALOG_SQL;
  return {
    listAll: db.prepare<{ owner: string; limit: number }, ImageRow>(s.listAll),
    listAllAfter: db.prepare<{ owner: string; limit: number } & Position, ImageRow>(s.listAllAfter),
    listTagged: db.prepare<{ owner: string; tag: string; others: string; limit: number }, ImageRow>(
      s.listTagged,
    ),
    listTaggedAfter: db.prepare<
      { owner: string; tag: string; others: string; limit: number } & Position,
      ImageRow
    >(s.listTaggedAfter),
    tagsOfImages: db.prepare<{ owner: string; ids: string }, TagRow>(s.tagsOfImages),
    tagCountsOf: db.prepare<{ owner: string; tags: string }, TagCount>(s.tagCountsOf),
    countTags: db.prepare<{ owner: string; limit: number }, TagCount>(s.countTags),
    getImage: db.prepare<Key, ImageRow>(s.getImage),
    insertImage: db.prepare<Record<string, string | number | null>>(s.insertImage),
    insertTag: db.prepare<Key & Tag & { createdAt: string }>(s.insertTag),
    deleteTags: db.prepare<Key>(s.deleteTags),
    setTagged: db.prepare<Key & { taggedAt: string }, { created_at: string }>(s.setTagged),
    setFailed: db.prepare<Key & { error: string }>(s.setFailed),
    setPending: db.prepare<Key>(s.setPending),
    deleteImage: db.prepare<Key>(s.deleteImage),
  };
}

export class SqliteImageCatalog implements ImageCatalog {
  private readonly sql: ReturnType<typeof prepare>;
  private readonly insertTx: (image: ImageRecord) => void;
  private readonly tagTx: (key: Key, tags: Tag[], taggedAt: string) => void;
  private readonly clearTx: (key: Key, status: 'failed' | 'pending', error: string) => void;
  private readonly removeTx: (key: Key) => boolean;
  // A deferred read transaction: a page and its tags come from one snapshot of the file.
  private readonly snapshot: <T>(read: () => T) => T;

  constructor(db: Db) {
    const sql = (this.sql = prepare(db));
    const addTags = (key: Key, tags: Tag[], createdAt: string) => {
      for (const tag of uniqueByName(tags)) sql.insertTag.run({ ...key, ...tag, createdAt });
    };
    this.insertTx = db.transaction((image: ImageRecord) => {
      const key = { owner: image.ownerId, id: image.id };
      sql.insertImage.run({
        ...key,
        filename: image.filename,
        contentType: image.contentType,
        size: image.size,
        status: image.status,
        createdAt: image.createdAt,
        taggedAt: image.taggedAt ?? null,
        error: image.error ?? null,
      });
      // Only tagged images carry tags (the port's invariant, and what tag_counts counts).
      if (image.status === 'tagged') addTags(key, image.tags, image.createdAt);
    });
    this.tagTx = db.transaction((key: Key, tags: Tag[], taggedAt: string) => {
      const updated = sql.setTagged.get({ ...key, taggedAt });
      if (updated === undefined) return;
      sql.deleteTags.run(key);
      addTags(key, tags, updated.created_at);
    });
    this.clearTx = db.transaction((key: Key, status: 'failed' | 'pending', error: string) => {
      const changed =
        status === 'failed' ? sql.setFailed.run({ ...key, error }) : sql.setPending.run(key);
      if (changed.changes > 0) sql.deleteTags.run(key);
    });
    this.removeTx = db.transaction((key: Key) => {
      // Explicit rather than left to ON DELETE CASCADE, which needs PRAGMA foreign_keys on.
      sql.deleteTags.run(key);
      return sql.deleteImage.run(key).changes > 0;
    });
    const read = db.transaction((run: () => unknown) => run());
    this.snapshot = <T>(run: () => T) => read(run) as T;
  }

  /** A duplicate id is a 409 AppError. Tags are stored only when the status is `tagged`. */
  async insert(image: ImageRecord): Promise<void> {
    try {
      this.insertTx(image);
    } catch (error) {
      if (isConstraint(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')) {
        throw conflict(`An image with id ${image.id} already exists.`);
      }
      throw error;
    }
  }

  async get(ownerId: string, id: string): Promise<ImageRecord | undefined> {
    return this.snapshot(() => {
      const row = this.sql.getImage.get({ owner: ownerId, id });
      return row === undefined ? undefined : this.withTags(ownerId, [row])[0];
    });
  }

  /** `limit` is 1 or more (the route validates it); `tags` are already normalised. */
  async list(ownerId: string, query: ListQuery): Promise<Page<ImageRecord>> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const limit = query.limit;
    return this.snapshot(() => {
      const rows = this.pageRows(ownerId, [...new Set(query.tags)], limit + 1, after);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: this.withTags(ownerId, page),
        nextCursor:
          rows.length > limit && last !== undefined
            ? encodeCursor({ createdAt: last.created_at, id: last.id })
            : null,
      };
    });
  }

  async countTags(ownerId: string, limit: number): Promise<TagCount[]> {
    return this.sql.countTags.all({ owner: ownerId, limit });
  }

  /** Does nothing when the owner has no such image (deleted while it was being tagged). */
  async markTagged(ownerId: string, id: string, tags: Tag[], taggedAt: string): Promise<void> {
    this.tagTx({ owner: ownerId, id }, tags, taggedAt);
  }

  /** Does nothing when the owner has no such image. */
  async markFailed(ownerId: string, id: string, error: string): Promise<void> {
    this.clearTx({ owner: ownerId, id }, 'failed', error);
  }

  /** Does nothing when the owner has no such image. */
  async markPending(ownerId: string, id: string): Promise<void> {
    this.clearTx({ owner: ownerId, id }, 'pending', '');
  }

  async remove(ownerId: string, id: string): Promise<boolean> {
    return this.removeTx({ owner: ownerId, id });
  }

  private pageRows(owner: string, tags: string[], limit: number, after?: Position): ImageRow[] {
    if (tags.length === 0) {
      return after === undefined
        ? this.sql.listAll.all({ owner, limit })
        : this.sql.listAllAfter.all({ owner, limit, ...after });
    }
    // Drive from the rarest tag: its index range is the shortest walk to a page of matches.
    const counts = this.sql.tagCountsOf.all({ owner, tags: JSON.stringify(tags) });
    if (counts.length < tags.length) return []; // a tag no image carries: nothing can match
    counts.sort((a, b) => a.count - b.count || compare(a.name, b.name));
    const tag = counts[0]!.name;
    const others = JSON.stringify(tags.filter((name) => name !== tag));
    return after === undefined
      ? this.sql.listTagged.all({ owner, tag, others, limit })
      : this.sql.listTaggedAfter.all({ owner, tag, others, limit, ...after });
  }

  private withTags(owner: string, rows: ImageRow[]): ImageRecord[] {
    const tagsById = new Map<string, Tag[]>(rows.map((row) => [row.id, []]));
    if (rows.some((row) => row.status === 'tagged')) {
      const ids = JSON.stringify(rows.map((row) => row.id));
      for (const { image_id, name, confidence } of this.sql.tagsOfImages.all({ owner, ids })) {
        tagsById.get(image_id)?.push({ name, confidence });
      }
    }
    return rows.map((row) => toRecord(row, tagsById.get(row.id) ?? []));
  }
}

function toRecord(row: ImageRow, tags: Tag[]): ImageRecord {
  const record: ImageRecord = {
    id: row.id,
    ownerId: row.owner_id,
    filename: row.filename,
    contentType: row.content_type,
    size: row.size,
    status: row.status,
    tags: tags.sort((a, b) => b.confidence - a.confidence || compare(a.name, b.name)),
    createdAt: row.created_at,
  };
  if (row.tagged_at !== null) record.taggedAt = row.tagged_at;
  if (row.error !== null) record.error = row.error;
  return record;
}

/** One row per tag name (the primary key), keeping the highest confidence. */
function uniqueByName(tags: Tag[]): Tag[] {
  const best = new Map<string, Tag>();
  for (const tag of tags) {
    const seen = best.get(tag.name);
    if (seen === undefined || tag.confidence > seen.confidence) {
      best.set(tag.name, { name: tag.name, confidence: tag.confidence });
    }
  }
  return [...best.values()];
}

// Code-unit order, as SQLite's BINARY collation sorts names in countTags.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const isConstraint = (error: unknown, code: string) =>
  error instanceof Error && (error as Error & { code?: unknown }).code === code;
