// The Clarifai tagger: the upload's bytes go to Clarifai's general model over gRPC (the pixels
// decoded here are not sent: Clarifai decodes for itself), its concepts come back as raw labels.
// clarifai-nodejs-grpc costs about 0.8 s to load (it parses .proto files), so it is imported
// inside createClarifaiTagger, never at module top: only the upload path pays. Bundled,
// scripts/clarifai-bundle.mjs replaces the package's entry with a build-time descriptor. The PAT
// and its SSM parameter are clarifai-pat.ts's.
import type * as Grpc from '@grpc/grpc-js';
import type { Label } from '../domain/image.js';
import type { TaggerConfig } from '../config.js';
import { TransientError, UnprocessableImageError } from '../domain/errors.js';
import { assertPat, ClarifaiPat, type ClarifaiPatOptions } from './clarifai-pat.js';
import type { ImageToTag, Tagger, TaggerResult } from './tagger.js';

export interface ClarifaiTaggerOptions
  extends Omit<Extract<TaggerConfig, { kind: 'clarifai' }>, 'kind'>, ClarifaiPatOptions {
  /** Deadline of one gRPC call, ms. */
  timeoutMs?: number;
  /** Attempts per tag() call while Clarifai throttles or is unavailable, and their back-off. */
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** For tests: waits between attempts, and the source of the jitter. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Where the client connects: Clarifai over TLS, or (CLARIFAI_ENDPOINT) a local fake in plaintext. */
export function clarifaiTarget(endpoint?: string): { address: string; secure: boolean } {
  return endpoint ? { address: endpoint, secure: false } : { address: CLARIFAI_API, secure: true };
}

const CLARIFAI_API = 'api.clarifai.com:443';
const MODEL = {
  model_id: 'general-image-recognition',
  user_app_id: { user_id: 'clarifai', app_id: 'main' },
};

// Clarifai answers most failures with a gRPC OK carrying its own status code (status_code.proto).
const SUCCESS = 10000;
/** The bytes themselves: the same image can never succeed. */
const IMAGE_STATUSES = new Set([
  30002, // INPUT_FAILED: "error downloading and processing"; bytes sent inline are not downloaded
  30101, // INPUT_UNSUPPORTED_FORMAT
  30104, // INPUT_INVALID_ARGUMENT
  30105, // INPUT_OVER_LIMIT
  30300, // ALL_INPUT_INVALID_BYTES
  47104, // MP_IMAGE_DECODE_ERROR
]);
/** Our key or account: an operator must act; retrying the image cannot help. */
const CREDENTIAL_STATUSES = new Set([11000, 11001, 11002, 11007, 11008, 11009, 11200]);
/** Quota spent (hourly, monthly, account): passes later, never within one call. */
const QUOTA_STATUSES = new Set([11003, 11004, 11006]);
/** Throttled, busy or failing on Clarifai's side (HTTP 429/5xx-like): worth another try soon. */
const retryableStatus = (code: number): boolean =>
  code === 10030 || // TRY_AGAIN
  code === 11005 || // CONN_THROTTLED (15 requests/s by default)
  code === 21354 || // MODEL_BUSY_PLEASE_RETRY
  code === 39997 || // REQUEST_DISABLED_FOR_MAINTENANCE
  code === 40031 || // RPC_SERVER_UNAVAILABLE
  code === 40032 || // RPC_REQUEST_TIMEOUT
  (code >= 98000 && code < 99000); // INTERNAL_*

// gRPC's own status codes (the transport failed before Clarifai could answer).
// DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNAVAILABLE; PERMISSION_DENIED, UNAUTHENTICATED
const RETRYABLE_GRPC = new Set([4, 8, 10, 13, 14]);
const CREDENTIAL_GRPC = new Set([7, 16]);

interface ClarifaiStatus {
  code: number;
  description?: string;
  details?: string;
}
interface MultiOutputResponse {
  status?: ClarifaiStatus;
  outputs?: {
    status?: ClarifaiStatus;
    data?: { concepts?: { name?: string; value?: number }[] };
  }[];
}
interface V2Client extends Grpc.Client {
  PostModelOutputs(
    request: object,
    metadata: Grpc.Metadata,
    options: Grpc.CallOptions,
    callback: (error: Grpc.ServiceError | null, response?: MultiOutputResponse) => void,
  ): Grpc.ClientUnaryCall;
}
/** The client class the package builds from its service definition. */
type V2Constructor = (new (
  address: string,
  credentials: Grpc.ChannelCredentials,
  options?: Grpc.ClientOptions,
) => V2Client) & { service: Grpc.ServiceDefinition };
/** What clarifai-nodejs-grpc exports (its index.d.ts declares only `grpc`). */
interface ClarifaiPackage {
  ClarifaiStub: { insecureGrpc(): Grpc.Client };
  grpc: typeof Grpc;
}

type Verdict =
  | { kind: 'ok'; tags: Label[] }
  | {
      kind: 'retry' | 'later' | 'image' | 'credentials' | 'error';
      reason: string;
      code?: number;
      cause?: unknown;
    };

function statusText(status: ClarifaiStatus | undefined): string {
  if (!status) return 'no status';
  return [status.code, status.description, status.details].filter(Boolean).join(' ');
}

function judgeResponse(response: MultiOutputResponse | undefined): Verdict {
  const status = response?.status;
  const output = response?.outputs?.[0];
  const code = status?.code ?? 0;
  if (code === SUCCESS) {
    const concepts = output?.data?.concepts ?? [];
    return {
      kind: 'ok',
      tags: concepts
        .filter((c) => c.name?.trim() && Number.isFinite(c.value))
        .map((c) => ({ name: c.name!, confidence: c.value! })),
    };
  }
  // A failed input shows as FAILURE at the top with the reason on the output.
  for (const s of [output?.status, status]) {
    if (s && IMAGE_STATUSES.has(s.code))
      return { kind: 'image', reason: statusText(s), code: s.code };
  }
  const reason = `Clarifai answered status ${statusText(status)}`;
  if (retryableStatus(code)) return { kind: 'retry', reason };
  if (QUOTA_STATUSES.has(code)) return { kind: 'later', reason };
  if (CREDENTIAL_STATUSES.has(code)) return { kind: 'credentials', reason };
  return { kind: 'error', reason };
}

function judgeGrpcError(error: Grpc.ServiceError): Verdict {
  const reason = `gRPC ${error.code} ${error.details || error.message}`;
  const cause = error;
  if (RETRYABLE_GRPC.has(error.code)) return { kind: 'retry', reason, cause };
  if (CREDENTIAL_GRPC.has(error.code)) return { kind: 'credentials', reason, cause };
  return { kind: 'error', reason, cause };
}

async function loadClient(): Promise<{ grpc: typeof Grpc; V2: V2Constructor }> {
  const pkg = (await import('clarifai-nodejs-grpc')) as unknown as ClarifaiPackage;
  // The package builds its V2 client class only inside a stub; its stubs pin the address and
  // (grpc()) TLS, so the class is taken from one that is never called and built again below.
  // A channel connects on its first call, so this one never touches the network.
  const probe = pkg.ClarifaiStub.insecureGrpc();
  const V2 = probe.constructor as V2Constructor;
  probe.close();
  if (!V2.service?.['PostModelOutputs']) {
    throw new Error('clarifai-nodejs-grpc has no V2.PostModelOutputs: an incompatible version?');
  }
  return { grpc: pkg.grpc, V2 };
}

export class ClarifaiTagger implements Tagger {
  readonly name = 'clarifai';
  // Clarifai scores many loosely related concepts above 0.8; 0.9 keeps what is in the photo.
  readonly defaultMinConfidence = 0.9;
  readonly #client: V2Client;
  readonly #grpc: typeof Grpc;
  readonly #options: ClarifaiTaggerOptions;
  readonly #pat: ClarifaiPat;

  constructor(client: V2Client, grpc: typeof Grpc, options: ClarifaiTaggerOptions) {
    this.#pat = new ClarifaiPat(options);
    this.#client = client;
    this.#grpc = grpc;
    this.#options = options;
  }

  async tag(image: ImageToTag): Promise<TaggerResult> {
    const pat = await this.#pat.value();
    const { attempts = 3, baseDelayMs = 250, maxDelayMs = 4000 } = this.#options.retry ?? {};
    const sleep = this.#options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    const random = this.#options.random ?? Math.random;
    for (let attempt = 1; ; attempt++) {
      const verdict = await this.#attempt(image.bytes, pat);
      if (verdict.kind === 'ok') return { labels: verdict.tags };
      if (verdict.kind !== 'retry' || attempt >= attempts) throw this.#toError(verdict, attempt);
      // Exponential, half of it jittered: concurrent workers throttled together spread out.
      const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      await sleep(cap / 2 + (random() * cap) / 2);
    }
  }

  async close(): Promise<void> {
    this.#client.close();
    this.#pat.close();
  }

  #attempt(bytes: Buffer, pat: string): Promise<Verdict> {
    const metadata = new this.#grpc.Metadata();
    metadata.set('authorization', `Key ${pat}`);
    // Bytes, never a URL: the bucket is private, and a presigned URL would leak to a third party.
    const request = { ...MODEL, inputs: [{ data: { image: { base64: bytes } } }] };
    const deadline = Date.now() + (this.#options.timeoutMs ?? 10_000);
    return new Promise((resolve) => {
      this.#client.PostModelOutputs(request, metadata, { deadline }, (error, response) =>
        resolve(error ? judgeGrpcError(error) : judgeResponse(response)),
      );
    });
  }

  #toError(verdict: Exclude<Verdict, { kind: 'ok' }>, attempts: number): Error {
    const cause = { cause: verdict.cause ?? verdict };
    switch (verdict.kind) {
      case 'image':
        return new UnprocessableImageError(
          verdict.code === 30105
            ? 'The image is too large to be processed.'
            : 'The file could not be read as an image.',
          cause,
        );
      case 'retry':
        return new TransientError(
          `Clarifai is unavailable after ${attempts} attempts: ${verdict.reason}`,
          cause,
        );
      case 'later':
        return new TransientError(`Clarifai's quota is spent: ${verdict.reason}`, cause);
      case 'credentials':
        this.#pat.forget();
        return new Error(
          `Clarifai refused our credentials (${verdict.reason}): check ${this.#pat.source}.`,
          cause,
        );
      default:
        return new Error(verdict.reason, cause);
    }
  }
}

/** Loads the gRPC client (about 0.8 s unbundled) and builds the tagger; the PAT is read lazily. */
export async function createClarifaiTagger(
  options: ClarifaiTaggerOptions,
): Promise<ClarifaiTagger> {
  assertPat(options); // before paying for the client
  const { grpc, V2 } = await loadClient();
  const { address, secure } = clarifaiTarget(options.endpoint);
  const credentials = secure ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
  const client = new V2(address, credentials, {
    // Uploads are at most MAX_UPLOAD_BYTES (10 MiB by default); an answer is a few KiB.
    'grpc.max_send_message_length': 64 * 1024 * 1024,
  });
  return new ClarifaiTagger(client, grpc, options);
}
