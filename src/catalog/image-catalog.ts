// The ImageCatalog port: images, their tags and the queries over them, always within one owner.
// Adapters: sqlite.ts (local) and opensearch.ts. Both pass test/contract/image-catalog.contract.ts.
// A ListQuery's meaning, written once for both: list-query.ts (normaliseListQuery).
import type { ImageRecord, ImageStatus, Tag, TagCount } from '../domain/image.js';

export type ListOrder = 'newest' | 'oldest';

/**
 * The filters combine with AND. Names are already normalised (domain/tag-name.ts). A query that
 * can match nothing (say `untagged` with `tags`, or a status other than `tagged` with any tag
 * filter) answers an empty page, not an error: it is a well-formed question whose answer is none.
 */
export interface ListQuery {
  /** AND: an image matches when it has every one of these tags. Empty: every image, any status. */
  tags: string[];
  /** OR: it has at least one of these. Empty or absent: no such filter. */
  anyTags?: string[] | undefined;
  /** NOT: it has none of these (so pending and failed images, which have no tags, match). */
  notTags?: string[] | undefined;
  status?: ImageStatus | undefined;
  /** true: tagged, and no tag at all. Absent (or false): no such filter. */
  untagged?: boolean | undefined;
  /** Default `newest`: createdAt desc, then id desc; `oldest` is the exact reverse. */
  order?: ListOrder | undefined;
  limit: number;
  /**
   * Opaque, from a previous page's nextCursor. A cursor is bound to the order and the filters it
   * was made for: another order, other filters or garbage throw InvalidCursor.
   */
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ImageCatalog {
  insert(image: ImageRecord): Promise<void>;
  /** undefined when there is no such image or it belongs to someone else. */
  get(ownerId: string, id: string): Promise<ImageRecord | undefined>;
  /** In `order` (createdAt, then id), filtered, keyset-paginated. */
  list(ownerId: string, query: ListQuery): Promise<Page<ImageRecord>>;
  /** Tags of the owner's tagged images with how many images carry each: count desc, then name. */
  countTags(ownerId: string, limit: number): Promise<TagCount[]>;
  /** Replaces the image's tags and sets status `tagged` (idempotent). */
  markTagged(ownerId: string, id: string, tags: Tag[], taggedAt: string): Promise<void>;
  /** Clears tags, sets status `failed` with the user-facing reason. */
  markFailed(ownerId: string, id: string, error: string): Promise<void>;
  /** Clears tags and error, sets status `pending` (retag). */
  markPending(ownerId: string, id: string): Promise<void>;
  /** true when something was removed. */
  remove(ownerId: string, id: string): Promise<boolean>;
  /**
   * Optional: a value that changes whenever any of the owner's listings or tag counts could have
   * changed (every insert, mark… and remove, by any process), and never returns to an earlier
   * value. Read it before the listing it vouches for. undefined (or no method): the adapter cannot
   * tell, and nothing may be cached.
   */
  changeVersion?(ownerId: string): Promise<string | undefined>;
}
