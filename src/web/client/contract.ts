// The parts of pixtag's HTTP contract (DESIGN.md, /openapi.json) the gallery reads.

export interface Tag {
  name: string;
  confidence: number;
}

export type ImageStatus = 'pending' | 'tagged' | 'failed';

export interface Image {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  status: ImageStatus;
  tags: Tag[];
  createdAt: string;
  taggedAt?: string;
  error?: string;
  /** The full-size image, signed and short-lived: the detail view only, never the grid. */
  url?: string;
  /** The small WebP preview, signed and short-lived; absent while pending or when it failed. */
  thumbnailUrl?: string;
}

export interface ImagePage {
  items: Image[];
  nextCursor: string | null;
}

export interface SignedUpload {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
}

export interface CreatedUpload {
  image: Image;
  upload: SignedUpload;
}

export interface TagCount {
  name: string;
  count: number;
}

export interface SignIn {
  token: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** RFC 9457 problem details, as every error of the API is answered. */
export interface Problem {
  title?: string;
  status?: number;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
}
