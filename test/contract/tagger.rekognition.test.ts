// RekognitionTagger through the real @aws-sdk/client-rekognition against the Rekognition fake
// (test/support/rekognition-fake.ts) on 127.0.0.1: the shared contract, then what this adapter
// adds: the requests the SDK sends, parents, boxes, text, the bytes Rekognition cannot take as
// they are, and how each failure is classed.
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TransientError, UnprocessableImageError } from '../../src/domain/errors.js';
import { sniffImageType } from '../../src/imaging/sniff-image-type.js';
import { keepTags } from '../../src/tagging/keep-tags.js';
import {
  createRekognitionTagger,
  MAX_INLINE_BYTES,
  type RekognitionTagger,
  type RekognitionTaggerOptions,
} from '../../src/tagging/rekognition.js';
import { startRekognitionFake, type RekognitionFake } from '../support/rekognition-fake.js';
import { fixture, imageToTag, taggerContract } from './tagger.contract.js';

const REGION = 'eu-west-1';
const credentials = { accessKeyId: 'AKIDREKOGNITIONFAKE', secretAccessKey: 'not-a-secret' };

taggerContract('rekognition (fake)', async () => {
  const fake = await startRekognitionFake();
  const tagger = await createRekognitionTagger({
    region: REGION,
    endpoint: fake.endpoint,
    credentials,
  });
  return { tagger, teardown: () => fake.stop() };
});

const names = (labels: { name: string }[]) => labels.map((l) => l.name);

describe('RekognitionTagger', () => {
  let fake: RekognitionFake;
  const taggers: RekognitionTagger[] = [];

  const tagger = async (options: Partial<RekognitionTaggerOptions> = {}) => {
    const made = await createRekognitionTagger({
      region: REGION,
      endpoint: fake.endpoint,
      credentials,
      ...options,
    });
    taggers.push(made);
    return made;
  };
  const tag = async (file: string, options: Partial<RekognitionTaggerOptions> = {}) =>
    (await tagger(options)).tag(await imageToTag(await fixture(file)));
  /** What processUpload keeps: the default cut-off, TAG_MAX 10. */
  const kept = async (file: string) =>
    keepTags((await tag(file)).labels, { minConfidence: 0.75, max: 10 });
  const sizeOf = async (bytes: Buffer | undefined) => {
    const { format, width, height } = await sharp(bytes).metadata();
    return { format, width, height };
  };

  beforeAll(async () => {
    fake = await startRekognitionFake({ slowMs: 10_000 });
  });
  beforeEach(() => fake.reset());
  afterEach(async () => {
    await Promise.all(taggers.splice(0).map((t) => t.close()));
  });
  afterAll(async () => {
    await fake.stop();
  });

  describe('what it sends', () => {
    it('when it tags a JPEG, then DetectLabels and DetectText each get its bytes once, signed for the region, in JSON 1.1', async () => {
      const bytes = await fixture('bus.jpg');
      await (await tagger()).tag(await imageToTag(bytes));

      expect(fake.requests.map((r) => r.target).sort()).toEqual([
        'RekognitionService.DetectLabels',
        'RekognitionService.DetectText',
      ]);
      for (const request of fake.requests) {
        expect(request).toMatchObject({
          contentType: 'application/x-amz-json-1.1',
          accessKeyId: credentials.accessKeyId,
          region: REGION,
          service: 'rekognition',
        });
        // Inline bytes (the bucket is private), base64 in the JSON, exactly the upload's.
        expect(request.body.Image).toEqual({ Bytes: bytes.toString('base64') });
      }
      const [labels] = fake.requestsOf('DetectLabels');
      expect(labels!.body).toEqual({
        Image: { Bytes: bytes.toString('base64') },
        MinConfidence: 50,
        MaxLabels: 100,
        Features: ['GENERAL_LABELS'],
      });
      expect(Object.keys(fake.requestsOf('DetectText')[0]!.body)).toEqual(['Image']);
    });

    it('when the upload is a WebP, then Rekognition (JPEG and PNG only) gets the decoded pixels as a JPEG, once', async () => {
      const result = await tag('squirrel.webp');
      expect(names(result.labels)).toContain('squirrel');
      expect(fake.requests).toHaveLength(2);
      for (const request of fake.requests) {
        expect(sniffImageType(request.bytes!)).toBe('image/jpeg');
        expect(await sizeOf(request.bytes)).toEqual({ format: 'jpeg', width: 535, height: 426 });
      }
    });

    it('when the upload is over 5 MB, then the pixels decoded for tagging go instead, as a JPEG well within the limit', async () => {
      // bus.jpg at 1600 px, as an uncompressed PNG: about 7.7 MB, under the 10 MiB upload limit.
      const big = await sharp(await fixture('bus.jpg'))
        .resize(1600, 1600)
        .png({ compressionLevel: 0 })
        .toBuffer();
      expect(big.length).toBeGreaterThan(MAX_INLINE_BYTES);

      const result = await (await tagger()).tag(await imageToTag(big));
      expect(names(result.labels)).toContain('bus');
      expect(result.text).toBe('500 OPERA LOS CARMENES Herramar 55');
      expect(fake.requests).toHaveLength(2);
      for (const request of fake.requests) {
        expect(request.bytes!.length).toBeLessThan(MAX_INLINE_BYTES / 5);
        expect(await sizeOf(request.bytes)).toEqual({ format: 'jpeg', width: 1024, height: 1024 });
      }
    });

    it('when the image is under 80 px a side, then it goes enlarged to 80, which Rekognition accepts', async () => {
      const tiny = await sharp(await fixture('bus.jpg'))
        .resize(60, 60)
        .jpeg()
        .toBuffer();
      const result = await (await tagger()).tag(await imageToTag(tiny));
      expect(names(result.labels)).toContain('bus');
      expect(await sizeOf(fake.requests[0]!.bytes)).toEqual({
        format: 'jpeg',
        width: 80,
        height: 80,
      });
    });

    it('when Rekognition refuses the original (a panorama over 10,000 px), then the pixels go next, and it is tagged', async () => {
      const panorama = await sharp({
        create: { width: 12_000, height: 1_500, channels: 3, background: '#6a8' },
      })
        .jpeg()
        .toBuffer();
      const result = await (await tagger()).tag(await imageToTag(panorama));
      expect(result.labels.length).toBeGreaterThan(0);
      const sent = fake.requestsOf('DetectLabels');
      expect(sent).toHaveLength(2);
      expect(sent[0]!.bytes!.equals(panorama)).toBe(true);
      expect(await sizeOf(sent[1]!.bytes)).toEqual({ format: 'jpeg', width: 1024, height: 128 });
    });

    it('when Rekognition cannot read a JPEG that decoded here, then the re-encoded pixels are read instead', async () => {
      const bytes = await fixture('bus.jpg');
      fake.refuse(bytes);
      const result = await (await tagger()).tag(await imageToTag(bytes));
      expect(names(result.labels)).toContain('bus');
      expect(result.text).toContain('LOS CARMENES');
      const sent = fake.requestsOf('DetectLabels');
      expect(sent.map((r) => r.bytes!.equals(bytes))).toEqual([true, false]);
    });
  });

  describe('what it finds', () => {
    it('when a label has parents, then keepTags adds them as broader words at its confidence, without a box', async () => {
      const tags = keepTags((await tag('bus.jpg')).labels, { minConfidence: 0.75, max: 1 });
      expect(tags).toEqual([
        { name: 'bus', confidence: 0.9994, box: { x: 0.0337, y: 0.2741, w: 0.8924, h: 0.5336 } },
        { name: 'transportation', confidence: 0.9994 },
        { name: 'vehicle', confidence: 0.9994 },
      ]);
    });

    it('when a label has several instances, then its box is the best-scoring one; a label without any has none', async () => {
      const tags = await kept('bus.jpg');
      expect(tags.find((t) => t.name === 'person')).toEqual({
        name: 'person',
        confidence: 0.9762,
        box: { x: 0.7331, y: 0.4567, w: 0.0601, h: 0.0962 },
      });
      expect(tags.find((t) => t.name === 'city')).toEqual({ name: 'city', confidence: 0.9631 });
      // Below the 0.75 default, with its parent: neither kept.
      expect(names(tags)).not.toContain('traffic light');
      expect(names(tags)).not.toContain('light');
    });

    it('when the photo has legible lines, then its text is them in reading order, and it is labelled "text"', async () => {
      const result = await tag('bus.jpg');
      // Top to bottom; the 41% line is left out.
      expect(result.text).toBe('500 OPERA LOS CARMENES Herramar 55');
      expect(result.labels.find((l) => l.name === 'text')).toEqual({
        name: 'text',
        confidence: 0.9871,
        box: { x: 0.7272, y: 0.3125, w: 0.1562, h: 0.0216 },
      });
    });

    it('when the only line is read with little confidence, then there is no text and no "text" label', async () => {
      const result = await tag('astronaut.png');
      expect(result.text).toBeUndefined();
      expect(names(result.labels)).not.toContain('text');
      expect(names(keepTags(result.labels, { minConfidence: 0.75, max: 10 }))).toEqual(
        expect.arrayContaining(['person', 'woman', 'astronaut', 'flag']),
      );
    });
  });

  describe('when it fails', () => {
    const failure = async (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (e: unknown) => e,
      );

    it('when Rekognition throttles twice, then the SDK tries again and the third DetectLabels answers', async () => {
      fake.failNext(2, 'throttling', 'DetectLabels');
      expect(names((await tag('bus.jpg')).labels)).toContain('bus');
      expect(fake.requestsOf('DetectLabels')).toHaveLength(3);
      expect(fake.requestsOf('DetectText')).toHaveLength(1);
    });

    it("when Rekognition stays throttled, then TransientError after the SDK's 3 attempts", async () => {
      fake.failNext(Infinity, 'throttling', 'DetectLabels');
      const error = await failure(tag('bus.jpg'));
      expect(error).toBeInstanceOf(TransientError);
      expect((error as Error).message).toMatch(
        /DetectLabels is unavailable after 3 attempts \(ThrottlingException/,
      );
      expect(fake.requestsOf('DetectLabels')).toHaveLength(3);
    });

    it("when the account's throughput is exceeded (400) or Rekognition fails inside (500), then TransientError", async () => {
      for (const kind of ['provisioned', 'internal'] as const) {
        fake.reset();
        fake.failNext(Infinity, kind, 'DetectLabels');
        expect(await failure(tag('bus.jpg', { maxAttempts: 1 }))).toBeInstanceOf(TransientError);
      }
    });

    it('when nothing listens at the endpoint, then TransientError', async () => {
      const error = await failure(
        tag('bus.jpg', { endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }),
      );
      expect(error).toBeInstanceOf(TransientError);
    });

    it('when an answer outlives the deadline, then the SDK tries again and the retry answers', async () => {
      fake.failNext(1, 'slow', 'DetectLabels');
      const started = performance.now();
      expect(names((await tag('bus.jpg', { timeoutMs: 300 })).labels)).toContain('bus');
      expect(fake.requestsOf('DetectLabels')).toHaveLength(2);
      expect(performance.now() - started).toBeLessThan(5_000); // not the fake's 10 s
    });

    it('when the role may not call Rekognition, then a plain Error names the grants, after one request', async () => {
      fake.failNext(Infinity, 'denied');
      const error = await failure(tag('bus.jpg'));
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(TransientError);
      expect(error).not.toBeInstanceOf(UnprocessableImageError);
      expect((error as Error).message).toMatch(/AccessDeniedException.*rekognition:DetectLabels/);
      expect(fake.requestsOf('DetectLabels')).toHaveLength(1);
    });

    it('when Rekognition cannot read the bytes nor the re-encoded pixels, then UnprocessableImageError, without retries', async () => {
      fake.failNext(Infinity, 'invalid-format', 'DetectLabels');
      const error = await failure(tag('bus.jpg'));
      expect(error).toBeInstanceOf(UnprocessableImageError);
      expect((error as Error).message).toBe('The file could not be read as an image.');
      // The upload as it is, then its pixels as a JPEG: no attempt repeated.
      expect(fake.requestsOf('DetectLabels')).toHaveLength(2);
    });

    it('when DetectText is unavailable though DetectLabels answered, then TransientError: the retry reads the text too', async () => {
      fake.failNext(Infinity, 'throttling', 'DetectText');
      const error = await failure(tag('bus.jpg'));
      expect(error).toBeInstanceOf(TransientError);
      expect((error as Error).message).toMatch(/DetectText/);
    });

    it('when DetectText refuses an image DetectLabels read, then the labels stand, without text', async () => {
      fake.failNext(Infinity, 'invalid-format', 'DetectText');
      const result = await tag('bus.jpg');
      expect(names(result.labels)).toContain('bus');
      expect(names(result.labels)).not.toContain('text');
      expect(result.text).toBeUndefined();
    });
  });
});
