// A stand-in for Amazon Rekognition's DetectLabels and DetectText, on 127.0.0.1: the AWS JSON 1.1
// protocol the real SDK client speaks (POST /, X-Amz-Target: RekognitionService.<operation>,
// Content-Type: application/x-amz-json-1.1, SigV4 Authorization), errors as the Developer Guide's
// "Error handling" page shows them ({"__type", "Code", "Logref", "Message"}, 400 or 500). It checks
// what Rekognition checks (JPEG or PNG, at most 5 MB inline, 80 to 10,000 pixels a side) and
// answers the recordings of rekognition-recordings.ts for the picture it recognises: by a
// difference hash of the decoded pixels, so the same photo re-encoded or scaled is still known.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import {
  detectLabelsAnswer,
  detectTextAnswer,
  RECORDINGS,
  UNKNOWN_PICTURE,
  type Recording,
} from './rekognition-recordings.js';

export type RekognitionOperation = 'DetectLabels' | 'DetectText';

export interface ReceivedRekognitionRequest {
  /** The X-Amz-Target header. */
  target: string | undefined;
  operation: string;
  contentType: string | undefined;
  /** From the SigV4 Authorization header's credential scope (key/date/region/service/…). */
  accessKeyId: string | undefined;
  region: string | undefined;
  service: string | undefined;
  /** The JSON body, Image.Bytes left as the base64 text that was sent. */
  body: Record<string, unknown> & { Image?: { Bytes?: string; S3Object?: unknown } };
  /** Image.Bytes decoded. */
  bytes: Buffer | undefined;
}

/**
 * throttling: 500 ThrottlingException; provisioned: 400 ProvisionedThroughputExceededException;
 * internal: 500 InternalServerError; invalid-format: 400 InvalidImageFormatException; denied: 400
 * AccessDeniedException; slow: the answer comes after slowMs.
 */
export type RekognitionFailure =
  'throttling' | 'provisioned' | 'internal' | 'invalid-format' | 'denied' | 'slow';

export interface RekognitionFake {
  /** For REKOGNITION_ENDPOINT. */
  endpoint: string;
  requests: ReceivedRekognitionRequest[];
  /** Requests of one operation, in order. */
  requestsOf(operation: RekognitionOperation): ReceivedRekognitionRequest[];
  /** The next n calls (of `operation`, or of either) fail this way; Infinity: until reset. */
  failNext(n: number, failure: RekognitionFailure, operation?: RekognitionOperation): void;
  /** These exact bytes are refused as a format Rekognition cannot read (it decodes less than sharp). */
  refuse(bytes: Buffer): void;
  reset(): void;
  stop(): Promise<void>;
}

const MAX_BYTES = 5 * 1024 * 1024;
const FAILURES: Record<Exclude<RekognitionFailure, 'slow'>, [number, string, string]> = {
  throttling: [500, 'ThrottlingException', 'Rate exceeded'],
  provisioned: [400, 'ProvisionedThroughputExceededException', 'Provisioned rate exceeded'],
  internal: [500, 'InternalServerError', 'Internal server error'],
  'invalid-format': [400, 'InvalidImageFormatException', 'Request has invalid image format'],
  denied: [400, 'AccessDeniedException', 'User is not authorized to perform: rekognition'],
};

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** 64 bits: whether each of 8×8 pixels is brighter than its right neighbour, in a 9×8 grey copy. */
async function differenceHash(bytes: Buffer): Promise<bigint> {
  const grey = await sharp(bytes)
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(9, 8, { fit: 'fill' })
    .raw()
    .toBuffer();
  let hash = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      hash = (hash << 1n) | (grey[y * 9 + x]! > grey[y * 9 + x + 1]! ? 1n : 0n);
    }
  }
  return hash;
}

const distance = (a: bigint, b: bigint) => [...(a ^ b).toString(2)].filter((c) => c === '1').length;

async function knownPictures(): Promise<[bigint, Recording][]> {
  return Promise.all(
    Object.entries(RECORDINGS).map(async ([file, recording]) => {
      const bytes = await readFile(new URL(`../fixtures/${file}`, import.meta.url));
      return [await differenceHash(bytes), recording] as [bigint, Recording];
    }),
  );
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** key/date/region/service/aws4_request of `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…`. */
function credentialScope(authorization: string | undefined): string[] {
  const match = /^AWS4-HMAC-SHA256 Credential=([^,]+),/.exec(authorization ?? '');
  return match ? match[1]!.split('/') : [];
}

export async function startRekognitionFake(
  options: { slowMs?: number } = {},
): Promise<RekognitionFake> {
  const pictures = await knownPictures();
  const requests: ReceivedRekognitionRequest[] = [];
  const refused = new Set<string>();
  let failures: { left: number; failure: RekognitionFailure; operation?: string | undefined } = {
    left: 0,
    failure: 'throttling',
  };

  const recognise = async (bytes: Buffer): Promise<Recording> => {
    const hash = await differenceHash(bytes);
    const [nearest] = pictures
      .map(([known, recording]) => [distance(hash, known), recording] as const)
      .sort(([a], [b]) => a - b);
    return nearest && nearest[0] <= 10 ? nearest[1] : UNKNOWN_PICTURE;
  };

  /** What Rekognition checks of the image before it looks at it. */
  const checkImage = async (
    bytes: Buffer | undefined,
    sent: ReceivedRekognitionRequest['body'],
  ) => {
    if (sent.Image?.S3Object) {
      // This fake has no S3; pixtag sends bytes (the Developer Guide's example error).
      throw new Refusal(
        400,
        'InvalidS3ObjectException',
        'Unable to get object metadata from S3. Check object key, region and/or access permissions.',
      );
    }
    if (!bytes?.length)
      throw new Refusal(400, 'InvalidParameterException', 'Request has invalid parameters');
    if (bytes.length > MAX_BYTES)
      throw new Refusal(400, 'ImageTooLargeException', 'Image size is too large.');
    if (refused.has(bytes.toString('base64'))) {
      throw new Refusal(400, 'InvalidImageFormatException', 'Request has invalid image format');
    }
    const meta = await sharp(bytes)
      .metadata()
      .catch(() => undefined);
    if (!meta || (meta.format !== 'jpeg' && meta.format !== 'png')) {
      throw new Refusal(400, 'InvalidImageFormatException', 'Request has invalid image format');
    }
    if (Math.min(meta.width, meta.height) < 80) {
      throw new Refusal(400, 'InvalidParameterException', 'Request has invalid parameters');
    }
    if (Math.max(meta.width, meta.height) > 10_000) {
      throw new Refusal(
        400,
        'ImageTooLargeException',
        `Input image dimensions ${meta.width} x ${meta.height} exceed maximum dimension size of 10000 pixels`,
      );
    }
  };

  /** DetectLabels' own parameters, within the API reference's bounds. */
  const parametersValid = ({
    MinConfidence: min,
    MaxLabels: max,
    Features: features,
  }: Record<string, unknown>) =>
    (min === undefined || (typeof min === 'number' && min >= 0 && min <= 100)) &&
    (max === undefined || (Number.isInteger(max) && (max as number) >= 0)) &&
    (features === undefined ||
      (Array.isArray(features) &&
        features.every((f) => f === 'GENERAL_LABELS' || f === 'IMAGE_PROPERTIES')));

  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    const target = req.headers['x-amz-target'] as string | undefined;
    const operation = target?.replace(/^RekognitionService\./, '') ?? '';
    const [accessKeyId, , region, service] = credentialScope(req.headers.authorization);
    let body: ReceivedRekognitionRequest['body'] = {};
    try {
      body = JSON.parse(raw.toString('utf8') || '{}') as ReceivedRekognitionRequest['body'];
    } catch {
      body = {};
    }
    const bytesText = body.Image?.Bytes;
    const request: ReceivedRekognitionRequest = {
      target,
      operation,
      contentType: req.headers['content-type'],
      accessKeyId,
      region,
      service,
      body,
      bytes: typeof bytesText === 'string' ? Buffer.from(bytesText, 'base64') : undefined,
    };
    requests.push(request);
    const send = (status: number, json: object) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': randomUUID(),
      });
      res.end(JSON.stringify(json));
    };
    const error = ({ status, type, message }: Refusal) =>
      send(status, { __type: type, Code: type, Logref: randomUUID(), Message: message });

    const failure =
      failures.left > 0 && (!failures.operation || failures.operation === operation)
        ? failures.failure
        : undefined;
    if (failure) failures.left -= 1;
    if (failure === 'slow') {
      await new Promise((resolve) => setTimeout(resolve, options.slowMs ?? 2_000));
      if (res.destroyed) return;
    } else if (failure) {
      const [status, type, message] = FAILURES[failure];
      return error(new Refusal(status, type, message));
    }
    try {
      if (req.method !== 'POST' || req.url !== '/')
        throw new Refusal(404, 'UnknownOperationException', 'Not found');
      if (service !== 'rekognition' || !region) {
        throw new Refusal(
          400,
          'MissingAuthenticationTokenException',
          'Missing Authentication Token',
        );
      }
      if (request.contentType !== 'application/x-amz-json-1.1') {
        throw new Refusal(400, 'SerializationException', 'Unexpected content type');
      }
      if (operation !== 'DetectLabels' && operation !== 'DetectText') {
        throw new Refusal(400, 'UnknownOperationException', `Unknown operation ${target}`);
      }
      if (operation === 'DetectLabels' && !parametersValid(body)) {
        throw new Refusal(400, 'InvalidParameterException', 'Request has invalid parameters');
      }
      await checkImage(request.bytes, body);
      const recording = await recognise(request.bytes!);
      send(
        200,
        operation === 'DetectLabels'
          ? detectLabelsAnswer(recording, body)
          : detectTextAnswer(recording),
      );
    } catch (caught) {
      if (!(caught instanceof Refusal)) throw caught;
      error(caught);
    }
  };

  const server = createServer((req, res) => {
    answer(req, res).catch((caught: unknown) => {
      res.writeHead(500).end(String(caught));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    requestsOf: (operation) => requests.filter((r) => r.operation === operation),
    failNext(n, failure, operation) {
      failures = { left: n, failure, operation };
    },
    refuse(bytes) {
      refused.add(bytes.toString('base64'));
    },
    reset() {
      failures = { left: 0, failure: 'throttling' };
      requests.length = 0;
      refused.clear();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
