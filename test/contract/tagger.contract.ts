// What every Tagger must do, whichever model or service is behind it. Each adapter's test file
// calls taggerContract once with a setup that builds that adapter (against its real stand-in).
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageContentType } from '../../src/domain/content-types.js';
import { UnprocessableImageError } from '../../src/domain/errors.js';
import type { Label } from '../../src/domain/image.js';
import { decodeForModel } from '../../src/imaging/decode.js';
import { sniffImageType } from '../../src/imaging/sniff-image-type.js';
import { keepTags } from '../../src/tagging/keep-tags.js';
import type { ImageToTag, Tagger } from '../../src/tagging/tagger.js';

export interface TaggerUnderTest {
  tagger: Tagger;
  /** Stops whatever the setup started; the suite closes the tagger itself. */
  teardown?: () => Promise<void>;
}

export const fixture = (name: string): Promise<Buffer> =>
  readFile(new URL(`../fixtures/${name}`, import.meta.url));

/**
 * What processUpload hands a tagger for these bytes: decoded once by imaging/, with the type the
 * bytes have (or the one given). Bytes that cannot be decoded reject here with
 * UnprocessableImageError, as they fail in processUpload before any tagger is called.
 */
export async function imageToTag(
  bytes: Buffer,
  contentType?: ImageContentType,
): Promise<ImageToTag> {
  const pixels = await decodeForModel(bytes);
  return { bytes, contentType: contentType ?? sniffImageType(bytes) ?? 'image/jpeg', pixels };
}

/** The bytes through the upload path's decode, then the tagger. */
export async function tagBytes(
  tagger: Tagger,
  bytes: Buffer,
  contentType?: ImageContentType,
): Promise<Label[]> {
  return (await tagger.tag(await imageToTag(bytes, contentType))).labels;
}

export function taggerContract(name: string, setup: () => Promise<TaggerUnderTest>): void {
  describe(`Tagger contract: ${name}`, () => {
    let subject: TaggerUnderTest;
    const tagger = (): Tagger => subject.tagger;
    const kept = async (file: string, contentType: ImageContentType) =>
      keepTags(await tagBytes(tagger(), await fixture(file), contentType), {
        minConfidence: tagger().defaultMinConfidence,
        max: 10,
      }).map((t) => t.name);

    beforeAll(async () => {
      subject = await setup();
    });

    afterAll(async () => {
      await subject?.tagger.close?.();
      await subject?.teardown?.();
    });

    it('when created, then it has a name and a default cut-off between 0 and 1', () => {
      expect(tagger().name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(tagger().defaultMinConfidence).toBeGreaterThan(0);
      expect(tagger().defaultMinConfidence).toBeLessThan(1);
    });

    it('when given a portrait of an astronaut, then "person" is kept at its default cut-off', async () => {
      expect(await kept('astronaut.png', 'image/png')).toContain('person');
    });

    it('when given a street photo with a bus, then "bus" is kept at its default cut-off', async () => {
      expect(await kept('bus.jpg', 'image/jpeg')).toContain('bus');
    });

    it('when it tags real photos, then every label has a name and a confidence from 0 to 1', async () => {
      for (const [file, type] of [
        ['bus.jpg', 'image/jpeg'],
        ['squirrel.webp', 'image/webp'],
      ] as const) {
        const tags = await tagBytes(tagger(), await fixture(file), type);
        expect(tags.length).toBeGreaterThan(0);
        for (const tag of tags) {
          expect(tag.name.trim()).not.toBe('');
          expect(tag.confidence).toBeGreaterThanOrEqual(0);
          expect(tag.confidence).toBeLessThanOrEqual(1);
          // A box is optional (a tagger may not locate anything), but inside the frame when given.
          if (tag.box) {
            const { x, y, w, h } = tag.box;
            for (const n of [x, y, w, h]) expect(n).toBeGreaterThanOrEqual(0);
            expect(x + w).toBeLessThanOrEqual(1.0001);
            expect(y + h).toBeLessThanOrEqual(1.0001);
          }
        }
      }
    });

    // Refused by the one decode before the tagger; a service that decodes for itself also refuses
    // bytes it cannot read (tagger.clarifai.test.ts).
    it('when given bytes that are not an image, then it rejects with UnprocessableImageError', async () => {
      const text = Buffer.from('This is a plain text file, not a photo.\n'.repeat(20));
      const error: unknown = await tagBytes(tagger(), text, 'image/jpeg').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnprocessableImageError);
      expect((error as Error).message).toMatch(/image/i);
    });
  });
}
