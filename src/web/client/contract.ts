// The parts of pixtag's HTTP contract (DESIGN.md, /openapi.json) the gallery reads.

// The wire types come from the server's own zod schemas (src/http/schemas.ts), which also validate
// requests and generate /openapi.json: the page cannot drift from the API. Type-only imports,
// erased by esbuild: nothing of zod or the server reaches the bundle.
import type * as z from 'zod';
import type * as schemas from '../../http/schemas.js';

export type Tag = z.infer<typeof schemas.Tag>;
export type Image = z.infer<typeof schemas.Image>;
export type ImageStatus = Image['status'];
export type ImagePage = z.infer<typeof schemas.ImagePage>;
export type SignedUpload = z.infer<typeof schemas.UploadInstructions>;
export type CreatedUpload = z.infer<typeof schemas.CreatedImage>;
export type TagCount = z.infer<typeof schemas.TagCounts>['items'][number];
export type SignIn = z.infer<typeof schemas.Session>;

/** RFC 9457 problem details, as every error of the API is answered. */
export interface Problem {
  title?: string;
  status?: number;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
}
