// The ImageCatalog port: images, their tags and the queries over them, always within one owner.
// Adapters: sqlite.ts (local) and, later, opensearch.ts. Both pass test/contract/image-catalog.contract.ts.

export const IMAGE_STATUSES = ['pending', 'tagged', 'failed'] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

export interface Tag {
  /** Lower-case, trimmed; multi-word tags keep their single inner space ("traffic light"). */
  name: string;
  /** 0–1. */
  confidence: number;
}

export interface ImageRecord {
  id: string;
  ownerId: string;
  filename: string;
  contentType: string;
  size: number;
  status: ImageStatus;
  /** Highest confidence first. Empty unless status is `tagged`. */
  tags: Tag[];
  /** ISO 8601 with milliseconds, UTC. */
  createdAt: string;
  taggedAt?: string;
  /** Why the image failed, in words a user understands. */
  error?: string;
}

export interface TagCount {
  name: string;
  count: number;
}

export interface ListQuery {
  /** AND: an image matches when it has every one of these tags. Empty: every image, any status. */
  tags: string[];
  limit: number;
  /** Opaque, from a previous page's nextCursor. A bad cursor throws a 400 AppError. */
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
  /** Newest first (createdAt desc, then id desc), keyset-paginated. */
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
