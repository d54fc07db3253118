import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TransientError, UnprocessableImageError } from '../../src/domain/errors.js';
import { keepTags } from '../../src/tagging/keep-tags.js';
import { decodeForModel } from '../../src/imaging/decode.js';
import { LOCAL_MIN_CONFIDENCE } from '../../src/tagging/local-cut-off.js';
import { LocalModelTagger } from '../../src/tagging/local-model.js';
import { fixture, tagBytes, taggerContract } from './tagger.contract.js';

// Taken before anything in this process starts the wasm runtime.
const listenersAtStart = {
  uncaught: process.listeners('uncaughtException'),
  rejection: process.listeners('unhandledRejection'),
};

taggerContract('local model', async () => ({ tagger: new LocalModelTagger() }));

const names = (
  tags: { name: string; confidence: number }[],
  minConfidence = LOCAL_MIN_CONFIDENCE,
) => keepTags(tags, { minConfidence, max: 10 }).map((t) => t.name);

/** Pixels stored turned a quarter anticlockwise, with EXIF saying "turn 90° clockwise to view". */
async function sidewaysWithExif(upright: Buffer): Promise<Buffer> {
  return sharp(upright)
    .rotate(-90)
    .jpeg({ quality: 95 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

describe('LocalModelTagger', () => {
  const tagger = new LocalModelTagger();
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'pixtag-local-model-'));
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  afterAll(async () => {
    await tagger.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('when three images are tagged at once on a cold model, then all succeed with one load', async () => {
    await tagger.close();
    const before = tagger.stats().loads;
    const results = await Promise.all(
      ['astronaut.png', 'bus.jpg', 'bus.jpg'].map(async (f) => tagBytes(tagger, await fixture(f))),
    );
    expect(tagger.stats().loads).toBe(before + 1);
    expect(names(results[0]!)).toContain('person');
    expect(names(results[1]!)).toContain('bus');
    expect(results[2]).toEqual(results[1]);
  });

  it('when the model loads, then nothing is fetched', async () => {
    await tagger.close();
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    await tagger.load();
    expect(tagger.stats().loaded).toBe(true);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('when the wasm runtime has started, then it left no listener that rethrows process errors', async () => {
    await tagger.load();
    const added = [
      ...process
        .listeners('uncaughtException')
        .filter((l) => !listenersAtStart.uncaught.includes(l)),
      ...process
        .listeners('unhandledRejection')
        .filter((l) => !listenersAtStart.rejection.includes(l)),
    ];
    expect(added.map(String)).toEqual([]);
  });

  it('when images are tagged again and again, then the number of live tensors stays flat', async () => {
    const bus = await fixture('bus.jpg');
    await tagBytes(tagger, bus, 'image/jpeg');
    const baseline = tagger.stats().numTensors;
    expect(baseline).toBeGreaterThan(0);
    for (const f of ['astronaut.png', 'bus.jpg', 'squirrel.webp', 'car.jpg']) {
      await tagBytes(tagger, await fixture(f));
      expect(tagger.stats().numTensors).toBe(baseline);
    }
  });

  it('when the same image is tagged twice, then the result does not depend on the image before', async () => {
    const bus = await fixture('bus.jpg');
    const first = await tagBytes(tagger, bus, 'image/jpeg');
    await tagBytes(tagger, await fixture('astronaut.png'), 'image/png');
    expect(await tagBytes(tagger, bus, 'image/jpeg')).toEqual(first);
  });

  it('when it is closed, then the model weights are released and the next tag loads it again', async () => {
    await tagger.load();
    const loaded = tagger.stats();
    await tagger.close();
    expect(tagger.stats()).toMatchObject({ loaded: false, numTensors: undefined });
    expect(names(await tagBytes(tagger, await fixture('bus.jpg')))).toContain('bus');
    expect(tagger.stats().loads).toBe(loaded.loads + 1);
  });

  it('when a label is found, then its broader words are kept with it: a cat is an animal, a cup is tableware', async () => {
    // The model takes Chelsea the cat for a dog: the broader words still hold.
    const cat = names(await tagBytes(tagger, await fixture('chelsea.png')));
    expect(cat).toEqual(expect.arrayContaining(['animal', 'pet']));
    const coffee = names(await tagBytes(tagger, await fixture('coffee.png')));
    expect(coffee).toEqual(expect.arrayContaining(['cup', 'drink', 'tableware']));
    // No broader word of a label that was not kept (the astronaut is no animal, no vehicle).
    const astronaut = names(await tagBytes(tagger, await fixture('astronaut.png')));
    expect(astronaut).toContain('people');
    expect(astronaut).not.toContain('animal');
    expect(astronaut).not.toContain('vehicle');
  });

  it('when a photo is greyscale, then it is black and white; a colour photo is not', async () => {
    expect(names(await tagBytes(tagger, await fixture('camera.png')))).toContain('black and white');
    for (const colour of ['chelsea.png', 'bus.jpg', 'astronaut.png']) {
      expect(names(await tagBytes(tagger, await fixture(colour)))).not.toContain('black and white');
    }
  });

  it('when a photo was taken at night, then it is night; a dark photo of a notebook is not', async () => {
    expect(names(await tagBytes(tagger, await fixture('night-city.jpg')))).toContain('night');
    expect(names(await tagBytes(tagger, await fixture('dark-notebook.jpg')))).not.toContain(
      'night',
    );
  });

  it('when the photo is stored sideways with EXIF orientation 6, then it is still recognised', async () => {
    const sideways = await sidewaysWithExif(await fixture('bus.jpg'));
    expect(names(await tagBytes(tagger, sideways, 'image/jpeg'))).toContain('bus');
  });

  it('when the image is a GIF, then it is decoded and tagged', async () => {
    const gif = await sharp(await fixture('bus.jpg'))
      .gif()
      .toBuffer();
    expect(names(await tagBytes(tagger, gif, 'image/gif'))).toContain('bus');
  });

  it('when the bytes are a truncated JPEG, then it rejects with UnprocessableImageError', async () => {
    const truncated = (await fixture('bus.jpg')).subarray(0, 300);
    await expect(tagBytes(tagger, truncated, 'image/jpeg')).rejects.toBeInstanceOf(
      UnprocessableImageError,
    );
  });

  it('when the model file is missing, then it rejects with TransientError', async () => {
    const broken = new LocalModelTagger({ modelPath: path.join(tmp, 'missing', 'centernet.json') });
    await expect(tagBytes(broken, await fixture('bus.jpg'))).rejects.toBeInstanceOf(TransientError);
    expect(broken.stats().loaded).toBe(false);
  });

  it('when model.json points its weights at a network URL, then loading refuses without fetching', async () => {
    const require = createRequire(import.meta.url);
    const humanDir = path.resolve(path.dirname(require.resolve('@vladmandic/human')), '..');
    const json = JSON.parse(
      await readFile(path.join(humanDir, 'models', 'centernet.json'), 'utf8'),
    );
    for (const group of json.weightsManifest) group.paths = ['https://example.invalid/w.bin'];
    const modelPath = path.join(tmp, 'centernet.json');
    await writeFile(modelPath, JSON.stringify(json));
    const fetchSpy = vi.spyOn(globalThis, 'fetch');

    const error: unknown = await tagBytes(
      new LocalModelTagger({ modelPath }),
      await fixture('bus.jpg'),
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/refusing to fetch https:\/\/example\.invalid/i);
    expect(fetchSpy).not.toHaveBeenCalled();
    // The default model comes back for the next caller.
    expect(names(await tagBytes(tagger, await fixture('bus.jpg')))).toContain('bus');
  });
});

describe('decodeForModel', () => {
  it('when a JPEG carries EXIF orientation 6, then the pixels come out upright (width and height swapped back)', async () => {
    const upright = await sharp(await fixture('car.jpg'))
      .jpeg()
      .toBuffer();
    const stored = await sidewaysWithExif(upright);
    const storedMeta = await sharp(stored).metadata();
    expect(storedMeta).toMatchObject({ width: 309, height: 1019, orientation: 6 });

    const decoded = await decodeForModel(stored);
    expect({ width: decoded.width, height: decoded.height }).toEqual({ width: 1019, height: 309 });
    const reference = await decodeForModel(upright);
    let diff = 0;
    for (let i = 0; i < decoded.data.length; i++)
      diff += Math.abs(decoded.data[i]! - reference.data[i]!);
    expect(diff / decoded.data.length).toBeLessThan(8); // JPEG noise, not a turned image
  });

  it('when the image is 3000×2000, then the model sees it scaled to fit 1024 px', async () => {
    const big = await sharp({
      create: { width: 3000, height: 2000, channels: 3, background: '#808080' },
    })
      .png()
      .toBuffer();
    const decoded = await decodeForModel(big);
    expect({ width: decoded.width, height: decoded.height }).toEqual({ width: 1024, height: 683 });
    expect(decoded.data.length).toBe(1024 * 683 * 3);
  });

  it('when the image is smaller than 1024 px, then it is not enlarged', async () => {
    const decoded = await decodeForModel(await fixture('astronaut.png'));
    expect({ width: decoded.width, height: decoded.height }).toEqual({ width: 512, height: 512 });
  });

  it('when the image is greyscale or has an alpha channel, then the model still gets 3 RGB channels', async () => {
    const astronaut = await fixture('astronaut.png');
    const grey = await sharp(astronaut).greyscale().png().toBuffer();
    const alpha = await sharp(astronaut).ensureAlpha(0.5).png().toBuffer();
    const deep = await sharp(astronaut).toColourspace('rgb16').png().toBuffer();
    for (const input of [grey, alpha, deep]) {
      const decoded = await decodeForModel(input);
      expect(decoded.data.length).toBe(512 * 512 * 3);
    }
  });

  it('when the bytes are plain text, then it throws UnprocessableImageError with a readable message', async () => {
    await expect(decodeForModel(Buffer.from('hello, world'))).rejects.toThrow(
      new UnprocessableImageError('The file could not be read as an image.'),
    );
  });
});
