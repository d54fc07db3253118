// What an image is, in every layer's words: the record the catalog keeps and the view a client
// gets. The HTTP schema (http/schemas.ts) is checked against ImageView at compile time.
export const IMAGE_STATUSES = ['pending', 'tagged', 'failed'] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

export interface Tag {
  /** normaliseTagName's output: lower-case, trimmed, single inner spaces ("traffic light"). */
  name: string;
  /** 0–1. */
  confidence: number;
}

export interface ImageRecord {
  id: string;
  ownerId: string;
  filename: string;
  /** One of ALLOWED_IMAGE_TYPES when it was created (a stored record is not checked again). */
  contentType: string;
  size: number;
  status: ImageStatus;
  /** Highest confidence first. Empty unless status is `tagged`. */
  tags: Tag[];
  /** ISO 8601 with milliseconds, UTC. */
  createdAt: string;
  taggedAt?: string | undefined;
  /** Why the image failed, in words a user understands. */
  error?: string | undefined;
}

/** The Image of the HTTP contract: the record without its owner, plus short-lived URLs. */
export interface ImageView extends Omit<ImageRecord, 'ownerId'> {
  url?: string | undefined;
  /** Present once tagged: processUpload stores the thumbnail before it marks the image tagged. */
  thumbnailUrl?: string | undefined;
}

export interface TagCount {
  name: string;
  count: number;
}
