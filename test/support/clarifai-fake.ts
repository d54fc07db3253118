// A stand-in for Clarifai's gRPC API: a real @grpc/grpc-js server on 127.0.0.1 serving the
// service definition of clarifai-nodejs-grpc itself, so requests and answers go through the same
// protobuf encoding as against api.clarifai.com. It answers PostModelOutputs the way Clarifai
// does: failures are a gRPC OK carrying a Clarifai status code, except real transport failures.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as Grpc from '@grpc/grpc-js';

const require = createRequire(import.meta.url);

export interface ClarifaiFakeOptions {
  /** The only PAT accepted (as `authorization: Key <pat>`). */
  pat: string;
  /** How long a call made 'slow' by failNext waits before answering, ms. */
  slowMs?: number;
}

export interface ReceivedRequest {
  authorization: string | undefined;
  modelId: string;
  userId: string;
  appId: string;
  /** Per input: the bytes sent inline, and any URL. */
  inputs: { bytes: Buffer; url: string }[];
}

/** throttled: CONN_THROTTLED; unavailable: gRPC UNAVAILABLE; slow: answers after slowMs. */
export type FakeFailure = 'throttled' | 'unavailable' | 'slow';

export interface ClarifaiFake {
  /** host:port, for CLARIFAI_ENDPOINT. */
  address: string;
  /** Every PostModelOutputs call received, failed ones included, in order. */
  requests: ReceivedRequest[];
  /** The next n calls fail this way (Infinity: all of them until reset). */
  failNext(n: number, kind: FakeFailure): void;
  reset(): void;
  stop(): Promise<void>;
}

interface Concept {
  name: string;
  value: number;
}

// What the fake "sees" in the fixtures; real Clarifai answers 20 concepts, most below 0.9.
const FIXTURE_CONCEPTS: Record<string, Concept[]> = {
  'astronaut.png': [
    { name: 'person', value: 0.98 },
    { name: 'astronaut', value: 0.96 },
    { name: 'science', value: 0.91 },
    { name: 'portrait', value: 0.82 },
  ],
  'bus.jpg': [
    { name: 'bus', value: 0.97 },
    { name: 'vehicle', value: 0.96 },
    { name: 'transportation system', value: 0.93 },
    { name: 'street', value: 0.88 },
  ],
  'squirrel.webp': [
    { name: 'squirrel', value: 0.99 },
    { name: 'rodent', value: 0.95 },
  ],
};
const UNKNOWN_IMAGE: Concept[] = [{ name: 'no person', value: 0.9 }];

const SUCCESS = { code: 10000, description: 'Ok' };
const FAILURE = { code: 10020, description: 'Failure' };

function looksLikeImage(bytes: Buffer): boolean {
  const ascii = (from: number, to: number) => bytes.subarray(from, to).toString('latin1');
  return (
    (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) ||
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ||
    ascii(0, 6) === 'GIF87a' ||
    ascii(0, 6) === 'GIF89a' ||
    (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP')
  );
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function fixtureConcepts(): Promise<Map<string, Concept[]>> {
  const byHash = new Map<string, Concept[]>();
  for (const [file, concepts] of Object.entries(FIXTURE_CONCEPTS)) {
    byHash.set(sha256(await readFile(new URL(`../fixtures/${file}`, import.meta.url))), concepts);
  }
  return byHash;
}

interface ClarifaiPackage {
  ClarifaiStub: { insecureGrpc(): Grpc.Client };
  grpc: typeof Grpc;
}

/** The request as proto-loader decodes it (keepCase, defaults: every field present). */
interface PostModelOutputsRequest {
  model_id: string;
  user_app_id: { user_id: string; app_id: string } | null;
  inputs: { data: { image: { base64: Buffer; url: string } | null } | null }[];
}

export async function startClarifaiFake(options: ClarifaiFakeOptions): Promise<ClarifaiFake> {
  const { ClarifaiStub, grpc } = require('clarifai-nodejs-grpc') as ClarifaiPackage;
  const probe = ClarifaiStub.insecureGrpc();
  const service = (probe.constructor as Grpc.ServiceClientConstructor).service;
  probe.close();

  const known = await fixtureConcepts();
  const requests: ReceivedRequest[] = [];
  let failures: { left: number; kind: FakeFailure } = { left: 0, kind: 'throttled' };
  const timers = new Set<NodeJS.Timeout>();

  const answer = (request: PostModelOutputsRequest, authorization: string | undefined) => {
    if (authorization === undefined) {
      return { status: { code: 11009, description: 'API key not found' }, outputs: [] };
    }
    if (authorization !== `Key ${options.pat}`) {
      return {
        status: { code: 11008, description: 'Invalid API key or Invalid API key/application pair' },
        outputs: [],
      };
    }
    const ids = request.user_app_id;
    if (
      request.model_id !== 'general-image-recognition' ||
      ids?.user_id !== 'clarifai' ||
      ids.app_id !== 'main'
    ) {
      return { status: { code: 21200, description: 'Model does not exist' }, outputs: [] };
    }
    const image = request.inputs[0]?.data?.image;
    if (request.inputs.length !== 1 || !image?.base64.length) {
      // The fake cannot download a URL, and pixtag must never send one.
      return { status: { code: 30104, description: 'Input invalid argument' }, outputs: [] };
    }
    if (!looksLikeImage(image.base64)) {
      return {
        status: FAILURE,
        outputs: [
          {
            status: {
              code: 30002,
              description: 'Download failed; check URL',
              details: 'Failure decoding input bytes as an image',
            },
            data: null,
          },
        ],
      };
    }
    const concepts = known.get(sha256(image.base64)) ?? UNKNOWN_IMAGE;
    return {
      status: SUCCESS,
      outputs: [
        {
          status: SUCCESS,
          data: {
            concepts: concepts.map((c) => ({ id: `ai_${c.name}`, ...c, app_id: 'main' })),
          },
        },
      ],
    };
  };

  const postModelOutputs: Grpc.handleUnaryCall<PostModelOutputsRequest, object> = (
    call,
    callback,
  ) => {
    const request = call.request;
    const authorization = call.metadata.get('authorization')[0]?.toString();
    requests.push({
      authorization,
      modelId: request.model_id,
      userId: request.user_app_id?.user_id ?? '',
      appId: request.user_app_id?.app_id ?? '',
      inputs: request.inputs.map((input) => ({
        bytes: Buffer.from(input.data?.image?.base64 ?? []),
        url: input.data?.image?.url ?? '',
      })),
    });
    const failure = failures.left > 0 ? failures.kind : undefined;
    if (failure) failures.left -= 1;
    if (failure === 'unavailable') {
      callback({ code: grpc.status.UNAVAILABLE, details: 'the fake is unavailable' });
    } else if (failure === 'throttled') {
      callback(null, { status: { code: 11005, description: 'Making too many requests' } });
    } else if (failure === 'slow') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!call.cancelled) callback(null, answer(request, authorization));
      }, options.slowMs ?? 2000);
      timers.add(timer);
      call.on('cancelled', () => {
        clearTimeout(timer);
        timers.delete(timer);
      });
    } else {
      callback(null, answer(request, authorization));
    }
  };

  const server = new grpc.Server();
  // Every other method of V2 answers UNIMPLEMENTED, as grpc-js does for a missing handler.
  server.addService(service, { PostModelOutputs: postModelOutputs });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );

  return {
    address: `127.0.0.1:${port}`,
    requests,
    failNext(n, kind) {
      failures = { left: n, kind };
    },
    reset() {
      failures = { left: 0, kind: 'throttled' };
      requests.length = 0;
    },
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.forceShutdown();
    },
  };
}
