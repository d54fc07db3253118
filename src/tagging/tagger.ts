// The Tagger port: an image in, raw labels out. Filtering (threshold, count, normalising) is
// keep-tags.ts's job so every tagger is judged by the same rule. The image arrives decoded once by
// imaging/ (prepare-upload.ts): a tagger never decodes the upload again.
// Adapters: local-model.ts (offline CenterNet, in process) and local-model-pool.ts (the same model
// on worker threads), clarifai.ts (Clarifai's general model over gRPC), rekognition.ts (Amazon
// Rekognition's DetectLabels and DetectText).
import type { ImageContentType } from '../domain/content-types.js';
import type { Label } from '../domain/image.js';
import type { DecodedImage } from '../imaging/decode.js';

/** One upload, as stored and as decoded: each tagger takes the form it reads. */
export interface ImageToTag {
  /** The upload's bytes, already known to be of contentType: for a service that decodes itself. */
  bytes: Buffer;
  contentType: ImageContentType;
  /** Upright, longest side at most TAGGING_MAX_SIDE, RGB: for a model that runs here. */
  pixels: DecodedImage;
}

/**
 * A label as a tagger found it. `parents`: broader words that hold whenever the label does (cat →
 * animal, pet); keepTags adds those of the labels it keeps, at the label's confidence.
 */
export interface Detection extends Label {
  parents?: readonly string[];
}

/** All a tagger found in one image. */
export interface TaggerResult {
  labels: Detection[];
  /** Words read in the image, in reading order, single-spaced; absent when none were read. */
  text?: string | undefined;
}

/** What GET /vocabulary answers: the chosen tagger, and every name it can emit (null: open). */
export interface Vocabulary {
  tagger: string;
  labels: readonly string[] | null;
}

export interface Tagger {
  readonly name: string;
  /** TAG_MIN_CONFIDENCE when the variable is unset: each model's scores mean different things. */
  readonly defaultMinConfidence: number;
  /**
   * Labels with confidences (any order, possibly repeated) and any text read. Throws TransientError when the model
   * or service is unavailable (worth a retry), UnprocessableImageError when the service cannot
   * read an image that decoded here (never worth one).
   */
  tag(image: ImageToTag): Promise<TaggerResult>;
  close?(): Promise<void>;
}
