// The Rekognition tagger: DetectLabels (labels, their parents, boxes) and DetectText (the words in
// the picture) on the same image, side by side. @aws-sdk/client-rekognition is imported inside
// createRekognitionTagger, never at module top: only the upload path loads it (a chunk of its own
// in the Lambda bundle). Retries with back-off are the SDK's own (standard mode: throttling and
// 5xx and network failures, jittered); what is left after them is judged here.
//
// Which bytes go: Rekognition reads JPEG and PNG only, at most 5 MB inline, 80 to 10,000 pixels a
// side. An upload that fits goes as it is (full resolution; a JPEG's EXIF orientation is applied by
// Rekognition, so boxes are upright as pixtag's are). Any other (WebP, GIF, 5–10 MiB, a side under
// 80 px), or one Rekognition refuses though it decoded here (a panorama over 10,000 px, a JPEG
// variant it cannot read), goes as the pixels already decoded for tagging, upright, at most
// TAGGING_MAX_SIDE, re-encoded as JPEG: a few hundred KB, always within the limits. Not an
// S3Object: the Tagger sees bytes, not where they are stored, and the pixels serve WebP and GIF too.
import type * as RekognitionSdk from '@aws-sdk/client-rekognition';
import type { RekognitionClient, RekognitionClientConfig } from '@aws-sdk/client-rekognition';
import type { TaggerConfig } from '../config.js';
import { TransientError, UnprocessableImageError } from '../domain/errors.js';
import { encodeJpeg } from '../imaging/encode-jpeg.js';
import { labelsFrom, textFrom } from './rekognition-answers.js';
import type { ImageToTag, Tagger, TaggerResult } from './tagger.js';

export interface RekognitionTaggerOptions extends Omit<
  Extract<TaggerConfig, { kind: 'rekognition' }>,
  'kind'
> {
  /** Deadline of one HTTP request, ms; a request past it counts as a transient failure. */
  timeoutMs?: number;
  /** Attempts per call, the SDK's standard retry between them (default 3). */
  maxAttempts?: number;
  /** For tests: otherwise the SDK's default chain (the function's role on Lambda). */
  credentials?: RekognitionClientConfig['credentials'];
}

/** Image.Bytes' largest accepted length (the API's "5 MB"). */
export const MAX_INLINE_BYTES = 5 * 1024 * 1024;
/** Rekognition refuses an image with a side shorter than this. */
export const MIN_SIDE = 80;
const JPEG_QUALITY = 90;
const SENT_AS_IS = new Set(['image/jpeg', 'image/png']);
// Asked for: every label from 50, below any cut-off that suits Rekognition's scores, so keepTags
// (TAG_MIN_CONFIDENCE) decides, not the request; Rekognition's own default is 55. And up to 100
// labels, TAG_MAX's largest value, so no setting can want a label that was not asked for.
const ASKED_MIN_CONFIDENCE = 50;
const MAX_LABELS = 100;

type Sdk = typeof RekognitionSdk;

/** Why Rekognition refused these bytes, in a user's words: sending them again cannot help. */
const REFUSALS: Record<string, string> = {
  InvalidImageFormatException: 'The file could not be read as an image.',
  ImageTooLargeException: 'The image is too large to be recognised.',
  // What Rekognition answers for an image under 80 px (or past 10,000 px) a side.
  InvalidParameterException: 'The image is too small or too narrow to be recognised.',
};
/** Our credentials or our role's permissions: an operator must act. */
const DENIED = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'CredentialsProviderError',
]);
const TRANSIENT = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'InternalServerError',
  'ServiceUnavailableException',
  'TimeoutError',
]);

type Verdict =
  | { kind: 'refused'; message: string; cause: unknown }
  | { kind: 'transient' | 'denied' | 'error'; cause: unknown };

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

function judge(error: unknown): Verdict {
  const { name = '', $metadata } = (error ?? {}) as SdkError;
  const status = $metadata?.httpStatusCode;
  const refusal = REFUSALS[name];
  if (refusal) return { kind: 'refused', message: refusal, cause: error };
  if (DENIED.has(name)) return { kind: 'denied', cause: error };
  // No status at all: no answer came (refused connection, reset, timeout).
  if (TRANSIENT.has(name) || status === undefined || status === 429 || status >= 500) {
    return { kind: 'transient', cause: error };
  }
  return { kind: 'error', cause: error };
}

function toError(verdict: Exclude<Verdict, { kind: 'refused' }>, operation: string): Error {
  const { name, message, $metadata } = (verdict.cause ?? {}) as SdkError;
  const reason = `${name ?? 'Error'}: ${message ?? 'no message'}`;
  const options = { cause: verdict.cause };
  switch (verdict.kind) {
    case 'transient':
      return new TransientError(
        `Rekognition ${operation} is unavailable after ${$metadata?.attempts ?? 1} attempts (${reason})`,
        options,
      );
    case 'denied':
      return new Error(
        `Rekognition refused our credentials or permissions for ${operation} (${reason}): check the role's rekognition:DetectLabels and rekognition:DetectText grants.`,
        options,
      );
    default:
      return new Error(`Rekognition ${operation} failed (${reason})`, options);
  }
}

type Reading = { kind: 'read'; result: TaggerResult } | Extract<Verdict, { kind: 'refused' }>;

/** Whether Rekognition can take the upload's own bytes (or rather the decoded pixels). */
function acceptsAsIs({ bytes, contentType, pixels }: ImageToTag): boolean {
  return (
    SENT_AS_IS.has(contentType) &&
    bytes.length <= MAX_INLINE_BYTES &&
    Math.min(pixels.width, pixels.height) >= MIN_SIDE
  );
}

export class RekognitionTagger implements Tagger {
  readonly name = 'rekognition';
  // Rekognition scores what is plainly in a photo in the high 90s and keeps loose scene guesses
  // (its default floor is 55) in the 55–75 band; its parents come at the child's score. 0.75 keeps
  // the first and drops most of the second. A judgement from its documented answers, not measured
  // here (no account): TAG_MIN_CONFIDENCE overrides it.
  readonly defaultMinConfidence = 0.75;
  readonly #client: RekognitionClient;
  readonly #sdk: Sdk;

  constructor(client: RekognitionClient, sdk: Sdk) {
    this.#client = client;
    this.#sdk = sdk;
  }

  async tag(image: ImageToTag): Promise<TaggerResult> {
    if (acceptsAsIs(image)) {
      const reading = await this.#read(image.bytes);
      if (reading.kind === 'read') return reading.result;
      // Refused though it decoded here: the pixels, re-encoded, are within every limit.
    }
    const jpeg = await encodeJpeg(image.pixels, { quality: JPEG_QUALITY, minSide: MIN_SIDE });
    const reading = await this.#read(jpeg);
    if (reading.kind === 'read') return reading.result;
    throw new UnprocessableImageError(reading.message, { cause: reading.cause });
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }

  /**
   * Both calls at once. DetectLabels decides: its refusal is the image's, its transient failure
   * the tag's (the whole image is tried again later, as for any tagger outage). A transient
   * DetectText failure fails the tag too, so a retry reads the text instead of the image staying
   * tagged without it; DetectText refusing bytes DetectLabels read leaves the labels, without text.
   */
  async #read(bytes: Uint8Array): Promise<Reading> {
    const { DetectLabelsCommand, DetectTextCommand } = this.#sdk;
    const Image = { Bytes: bytes };
    const [labels, text] = await Promise.allSettled([
      this.#client.send(
        new DetectLabelsCommand({
          Image,
          MinConfidence: ASKED_MIN_CONFIDENCE,
          MaxLabels: MAX_LABELS,
          // GENERAL_LABELS only: IMAGE_PROPERTIES (colours, quality) is billed on top.
          Features: ['GENERAL_LABELS'],
        }),
      ),
      this.#client.send(new DetectTextCommand({ Image })),
    ]);
    if (labels.status === 'rejected') {
      const verdict = judge(labels.reason);
      if (verdict.kind === 'refused') return verdict;
      throw toError(verdict, 'DetectLabels');
    }
    const found = labelsFrom(labels.value);
    if (text.status === 'rejected') {
      const verdict = judge(text.reason);
      if (verdict.kind !== 'refused') throw toError(verdict, 'DetectText');
      return { kind: 'read', result: { labels: found } };
    }
    const read = textFrom(text.value);
    return { kind: 'read', result: { labels: [...found, ...read.labels], text: read.text } };
  }
}

/** Loads the SDK's Rekognition client and builds the tagger; nothing is sent until a tag. */
export async function createRekognitionTagger(
  options: RekognitionTaggerOptions,
): Promise<RekognitionTagger> {
  const sdk = await import('@aws-sdk/client-rekognition');
  // Three attempts of 10 s and their back-offs: about 32 s at worst, within onUpload's 60 s.
  const timeoutMs = options.timeoutMs ?? 10_000;
  const client = new sdk.RekognitionClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: {
      requestTimeout: timeoutMs,
      // Without it, this version of the handler only logs a warning when the deadline passes.
      throwOnRequestTimeout: true,
      connectionTimeout: Math.min(timeoutMs, 3_000),
    },
  });
  return new RekognitionTagger(client, sdk);
}
