// ImageCatalog on the local SQLite file (INDEX=sqlite). better-sqlite3 is synchronous; the port's
// promises are honoured by async methods. Schema and the reasons for its layout: db/migrations.ts
// (v3): an image row carries its tags, and image_tags, kept from them by triggers, is the search
// index. Every read is one statement, so it sees one snapshot without a transaction around it.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/database.js';
import { ImageAlreadyExists } from '../domain/errors.js';
import type { TagEdit } from '../domain/tag-edits.js';
import type { ImageCatalog, ListQuery, Page, Processed, TagCountQuery } from './image-catalog.js';
import { compare, nextCursor, normaliseListQuery, type NormalQuery } from './list-query.js';
import { COLUMNS, LIMIT, listSql, OWNER, shapeKey, type ListShape } from './sqlite-list.js';
import {
  prepareSearch,
  rowsSql,
  searchRows,
  walkSql,
  type SearchStatements,
} from './sqlite-search.js';
import { encodeTags, tagNeedle, toRecord, type ImageRow } from './sqlite-rows.js';
import { SqliteTagWrites } from './sqlite-tags.js';
import { NEXT_DOC } from '../db/search-index.js';
import type { ImageRecord, Tag, TagCount } from '../domain/image.js';

/** The catalog's SQL, exported so the tests can check its query plans. */
export const CATALOG_SQL = {
  /** A filtered listing page; one statement per shape, prepared when first needed. */
  list: listSql,
  /** A listing with q: one FTS5 walk for every filter, then the rows of its docs (sqlite-search.ts). */
  searchWalk: walkSql,
  searchRows: rowsSql,
  tagCount: `SELECT count FROM tag_counts WHERE owner = ${OWNER} AND name = @name`,
  countTags: `
    SELECT name, count FROM tag_counts WHERE owner = ${OWNER} AND count > 0
    ORDER BY count DESC, name ${LIMIT}`,
  /** Autocomplete: the names in [prefix, prefix + U+10FFFF), a range of the primary key. */
  countTagsFrom: `
    SELECT name, count FROM tag_counts WHERE owner = ${OWNER} AND count > 0
      AND name >= @prefix AND name < @upTo
    ORDER BY count DESC, name ${LIMIT}`,
  getImage: `SELECT ${COLUMNS} FROM images i WHERE i.id = @id AND i.owner = ${OWNER}`,
  /** Bumped by triggers on every change to the owner's images (migration v4). */
  changeVersion: `SELECT version FROM owners WHERE id = @owner`,
  addOwner: `INSERT INTO owners (id) VALUES (@owner) ON CONFLICT (id) DO NOTHING`,
  /**
   * The images_tags_* triggers of the schema write image_tags (and tag_counts) from `tags`, the
   * images_search_* ones the full-text index at `doc`.
   */
  insertImage: `
    INSERT INTO images (id, owner, filename, content_type, size, status, created_at, tagged_at,
      error, tags, user_tags, width, height, text, doc)
    VALUES (@id, ${OWNER}, @filename, @contentType, @size, @status, @createdAt, @taggedAt, @error,
      @tags, @userTags, @width, @height, @text, ${NEXT_DOC})`,
  deleteImage: `DELETE FROM images WHERE id = @id AND owner = ${OWNER}`,
} as const;

type Key = { owner: string; id: string };
const MAX_STATEMENTS = 200;
/** A listing's parameters: owner, limit, the position and the names its shape binds. */
type ListParams = Record<string, string | number>;

function prepare(db: Db) {
  const s = CATALOG_SQL;
  const rows = <P extends object>(sql: string) => db.prepare<P, ImageRow>(sql).raw(true);
  return {
    tagCount: db.prepare<{ owner: string; name: string }, number>(s.tagCount).pluck(true),
    countTags: db.prepare<{ owner: string; limit: number }, TagCount>(s.countTags),
    countTagsFrom: db.prepare<
      { owner: string; limit: number; prefix: string; upTo: string },
      TagCount
    >(s.countTagsFrom),
    getImage: rows<Key>(s.getImage),
    changeVersion: db.prepare<{ owner: string }, number>(s.changeVersion).pluck(true),
    addOwner: db.prepare<{ owner: string }>(s.addOwner),
    insertImage: db.prepare<Record<string, string | number | null>>(s.insertImage),
    deleteImage: db.prepare<Key>(s.deleteImage),
  };
}

export class SqliteImageCatalog implements ImageCatalog {
  private readonly sql: ReturnType<typeof prepare>;
  /** Listing statements by shapeKey, the oldest dropped past MAX_STATEMENTS. */
  private readonly listings = new Map<string, Statement<ListParams, ImageRow>>();
  private readonly tagWrites: SqliteTagWrites;
  private readonly search: SearchStatements;

  constructor(private readonly db: Db) {
    this.sql = prepare(db);
    this.search = prepareSearch(db);
    this.tagWrites = new SqliteTagWrites(db, (owner, id) => this.read(owner, id));
  }

  /**
   * A duplicate id throws ImageAlreadyExists. The model's tags are stored only when the status is
   * `tagged`; the user's whatever it is.
   */
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
        // Only tagged images carry the model's tags (the port's invariant).
        tags: image.status === 'tagged' ? encodeTags(bySource(image, 'model')) : '[]',
        userTags: encodeTags(bySource(image, 'user')),
        width: image.width ?? null,
        height: image.height ?? null,
        text: image.text ?? null,
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
    return this.read(ownerId, id);
  }

  /** `limit` is 1 or more (the route validates it); names are already normalised. */
  async list(ownerId: string, query: ListQuery): Promise<Page<ImageRecord>> {
    const normal = normaliseListQuery(query);
    const limit = normal.limit;
    const rows = normal.matchesNothing ? [] : this.pageRows(ownerId, normal);
    const items = new Array<ImageRecord>(Math.min(limit, rows.length));
    for (let k = 0; k < items.length; k += 1) items[k] = toRecord(ownerId, rows[k]!);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    const position = last === undefined ? undefined : { createdAt: last[5], id: last[0] };
    return { items, nextCursor: nextCursor(normal, position) };
  }

  async countTags(ownerId: string, { limit, prefix }: TagCountQuery): Promise<TagCount[]> {
    if (!prefix) return this.sql.countTags.all({ owner: ownerId, limit });
    const upTo = `${prefix}\u{10FFFF}`;
    return this.sql.countTagsFrom.all({ owner: ownerId, limit, prefix, upTo });
  }

  /**
   * An owner with no row has no images; its first insert makes the row (version 0) and bumps it,
   * so '0' is never the version of a non-empty catalog.
   */
  async changeVersion(ownerId: string): Promise<string> {
    return String(this.sql.changeVersion.get({ owner: ownerId }) ?? 0);
  }

  /** Does nothing when the owner has no such image (deleted while it was being tagged). */
  async markTagged(ownerId: string, id: string, processed: Processed): Promise<void> {
    this.tagWrites.markTagged(ownerId, id, processed);
  }

  /** Does nothing when the owner has no such image. */
  async markFailed(ownerId: string, id: string, error: string): Promise<void> {
    this.tagWrites.markUntagged(ownerId, id, 'failed', error);
  }

  /** Does nothing when the owner has no such image. */
  async markPending(ownerId: string, id: string): Promise<void> {
    this.tagWrites.markUntagged(ownerId, id, 'pending');
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
    return this.sql.deleteImage.run({ owner: ownerId, id }).changes > 0;
  }

  private read(ownerId: string, id: string): ImageRecord | undefined {
    const row = this.sql.getImage.get({ owner: ownerId, id });
    return row === undefined ? undefined : toRecord(ownerId, row);
  }

  /** limit + 1 rows (one more tells whether a next page exists), by the cheapest walk. */
  private pageRows(owner: string, query: NormalQuery): ImageRow[] {
    if (query.words.length > 0) return searchRows(this.search, owner, query);
    const params: ListParams = { owner, limit: query.limit + 1, ...query.after };
    const shape: ListShape = {
      driver: 'images',
      others: 0,
      any: 0,
      none: query.none.length,
      status: false,
      order: query.order,
      after: query.after !== undefined,
    };
    const bind = (prefix: string, values: string[]) =>
      values.forEach((value, k) => (params[`${prefix}${k}`] = value));
    if (query.all.length > 0) {
      // Drive from the rarest tag: its key range is the shortest walk to a page of matches.
      const tags = this.byCount(owner, query.all);
      if (tags === undefined) return []; // a tag no image carries: nothing can match
      shape.driver = 'tag';
      shape.others = tags.length - 1;
      params.tag = tags[0]!;
      bind('all', tags.slice(1).map(tagNeedle));
      shape.any = query.any.length;
      bind('any', query.any.map(tagNeedle));
      bind('none', query.none.map(tagNeedle));
      this.bindStatus(shape, params, query);
    } else if (query.any.length > 0) {
      // Only the tags some image carries get an arm: an empty range costs a descent for nothing.
      const arms = query.any.filter((name) => this.countOf(owner, name) > 0);
      if (arms.length === 0) return [];
      shape.driver = 'any';
      shape.others = arms.length;
      bind('arm', arms);
      bind('not', query.none);
      this.bindStatus(shape, params, query);
    } else {
      shape.driver = query.untagged ? 'untagged' : (query.status ?? 'images');
      bind('none', query.none.map(tagNeedle));
    }
    return this.statement(shape).all(params);
  }

  /** A tag walk checks the status on the row (a user's tag can be on an image of any status). */
  private bindStatus(shape: ListShape, params: ListParams, query: NormalQuery): void {
    if (query.status === undefined) return;
    shape.status = true;
    params.status = query.status;
  }

  private countOf(owner: string, name: string): number {
    return this.sql.tagCount.get({ owner, name }) ?? 0;
  }

  /** The names, rarest first; undefined when one of them is on no image. */
  private byCount(owner: string, names: string[]): string[] | undefined {
    if (names.length === 1) return names;
    const counts = new Map<string, number>();
    for (const name of names) {
      const count = this.countOf(owner, name);
      if (count === 0) return undefined;
      counts.set(name, count);
    }
    return [...names].sort((a, b) => counts.get(a)! - counts.get(b)! || compare(a, b));
  }

  private statement(shape: ListShape): Statement<ListParams, ImageRow> {
    const key = shapeKey(shape);
    let statement = this.listings.get(key);
    if (statement === undefined) {
      // Shapes multiply (up to 20 names in each filter): a client cycling through them must not
      // grow this map without end. A dropped statement is only prepared again.
      if (this.listings.size >= MAX_STATEMENTS) {
        this.listings.delete(this.listings.keys().next().value!);
      }
      statement = this.db.prepare<ListParams, ImageRow>(listSql(shape)).raw(true);
      this.listings.set(key, statement);
    }
    return statement;
  }
}

const bySource = (image: ImageRecord, source: Tag['source']) =>
  image.tags.filter((tag) => tag.source === source);

const isConstraint = (error: unknown, code: string) =>
  error instanceof Error && (error as Error & { code?: unknown }).code === code;
