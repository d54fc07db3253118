// The ImageCatalog port: images, their tags and the queries over them, always within one owner.
// Adapters: sqlite.ts (local) and opensearch.ts. Both pass test/contract/image-catalog.contract.ts.
// A ListQuery's meaning, written once for both: list-query.ts (normaliseListQuery).
import type { ImageRecord, ImageStatus, Label, TagCount } from '../domain/image.js';
import type { TagEdit } from '../domain/tag-edits.js';

export type ListOrder = 'newest' | 'oldest';

/**
 * The filters combine with AND. Names are already normalised (domain/tag-name.ts). A query that
 * can match nothing (say `untagged` with `tags`) answers an empty page, not an error: it is a
 * well-formed question whose answer is none. Tag filters see every tag, the model's and the
 * user's; a user's tag stays on a pending or failed image, so those can match a tag filter.
 */
export interface ListQuery {
  /** AND: an image matches when it has every one of these tags. Empty: every image, any status. */
  tags: string[];
  /** OR: it has at least one of these. Empty or absent: no such filter. */
  anyTags?: string[] | undefined;
  /** NOT: it has none of these (an image with no tag at all matches). */
  notTags?: string[] | undefined;
  status?: ImageStatus | undefined;
  /** true: tagged, and no tag at all. Absent (or false): no such filter. */
  untagged?: boolean | undefined;
  /**
   * Full text, as typed: every word in it (list-query.ts searchWords) must start a word of the
   * filename, of the image's `text` or of one of its tag names, ignoring case and accents.
   */
  q?: string | undefined;
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

/** What processing found: the model's labels (kept by keepTags) and the image's properties. */
export interface Processed {
  labels: Label[];
  taggedAt: string;
  width?: number | undefined;
  height?: number | undefined;
  text?: string | undefined;
}

/** The owner's tags by how many images carry each: count desc, then name. */
export interface TagCountQuery {
  limit: number;
  /** Only names starting with it (autocomplete), already normalised. */
  prefix?: string | undefined;
}

export interface ImageCatalog {
  insert(image: ImageRecord): Promise<void>;
  /** undefined when there is no such image or it belongs to someone else. */
  get(ownerId: string, id: string): Promise<ImageRecord | undefined>;
  /** In `order` (createdAt, then id), filtered, keyset-paginated. */
  list(ownerId: string, query: ListQuery): Promise<Page<ImageRecord>>;
  /** Every tag of the owner's images (the model's and the user's) with its image count. */
  countTags(ownerId: string, query: TagCountQuery): Promise<TagCount[]>;
  /**
   * Status `tagged`, the model's tags replaced by these labels minus the names the user removed
   * or put there (domain/tag-edits.ts withModelTags); the user's tags stay (idempotent).
   */
  markTagged(ownerId: string, id: string, processed: Processed): Promise<void>;
  /** Status `failed` with the user-facing reason; the model's tags go, the user's stay. */
  markFailed(ownerId: string, id: string, error: string): Promise<void>;
  /** Status `pending` (retag): error and the model's tags go, the user's tags and vetoes stay. */
  markPending(ownerId: string, id: string): Promise<void>;
  /**
   * Applies one edit (domain/tag-edits.ts editTags) to each of the owner's images `ids`, all or
   * nothing, and answers them in the order of `ids`. Throws ImageNotFound when one id is not the
   * owner's image, TagLimitReached when an image would carry too many tags of the user's: then
   * nothing changed.
   */
  editTags(ownerId: string, ids: string[], edit: TagEdit): Promise<ImageRecord[]>;
  /**
   * Renames `from` to `into` on every one of the owner's images that has it (a merge where both
   * are present) and answers `into` with its image count afterwards.
   */
  renameTag(ownerId: string, from: string, into: string): Promise<TagCount>;
  /** Removes the tag from every one of the owner's images, vetoed there; how many it was on. */
  removeTag(ownerId: string, name: string): Promise<number>;
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
