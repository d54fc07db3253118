// The Tagger port: image bytes in, raw labels out. Filtering (threshold, count, normalising)
// is keep-tags.ts's job so every tagger is judged by the same rule.
// Adapters: local-model.ts (offline CenterNet) and, later, clarifai.ts.
import type { Tag } from '../domain/image.js';

export interface Tagger {
  readonly name: string;
  /** TAG_MIN_CONFIDENCE when the variable is unset: each model's scores mean different things. */
  readonly defaultMinConfidence: number;
  /**
   * Labels with confidences, any order, possibly repeated. Throws TransientError when the model
   * or service is unavailable (worth a retry), UnprocessableImageError when the bytes can't be
   * decoded (never worth one).
   */
  tag(image: Buffer, contentType: string): Promise<Tag[]>;
  close?(): Promise<void>;
}
