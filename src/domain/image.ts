// What an image is, in every layer's words: the record the catalog keeps and the view a client
// gets. The HTTP schema (http/schemas.ts) is checked against ImageView at compile time.
export const IMAGE_STATUSES = ['pending', 'tagged', 'failed'] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

/**
 * Where in the picture a label was found (contract v2's `box`): the top-left corner (x, y) and the
 * size (w, h), as fractions (0–1) of the upright image's width and height.
 */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** What a model says about an image: a name and how sure it is. */
export interface Label {
  /** normaliseTagName's output: lower-case, trimmed, single inner spaces ("traffic light"). */
  name: string;
  /** 0–1. */
  confidence: number;
  /** The best-scoring instance's box, when the model locates what it names (objects, faces). */
  box?: Box | undefined;
}

export const TAG_SOURCES = ['model', 'user'] as const;
export type TagSource = (typeof TAG_SOURCES)[number];

/** A tag on an image: a model's label, or one a person put there (confidence 1). */
export interface Tag extends Label {
  source: TagSource;
}

export interface ImageRecord {
  id: string;
  ownerId: string;
  filename: string;
  /** One of ALLOWED_IMAGE_TYPES when it was created (a stored record is not checked again). */
  contentType: string;
  size: number;
  status: ImageStatus;
  /**
   * Highest confidence first, then by name; one per name. The model's tags only while `tagged`;
   * the user's stay whatever the status (domain/tag-edits.ts says how the two combine).
   */
  tags: Tag[];
  /** ISO 8601 with milliseconds, UTC. */
  createdAt: string;
  taggedAt?: string | undefined;
  /** Why the image failed, in words a user understands. */
  error?: string | undefined;
  /** Upright pixel size of the upload, once processed. */
  width?: number | undefined;
  height?: number | undefined;
  /** Words read in the image (searchable by `q`); absent until a tagger reads text. */
  text?: string | undefined;
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
