import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeForModel } from '../../src/imaging/decode.js';
import {
  BLACK_AND_WHITE,
  NIGHT,
  SKY,
  imageProperties,
} from '../../src/tagging/image-properties.js';

/** A width × height RGB image whose pixel at (x, y) is colour(x, y). */
function image(width: number, height: number, colour: (x: number, y: number) => number[]) {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) data.set(colour(x, y), (y * width + x) * 3);
  }
  return { data, width, height };
}

const grey = (x: number) => [x, x, x];

describe('imageProperties', () => {
  it('when every pixel is grey across a range of tones, then it is black and white, at 1', () => {
    expect(imageProperties(image(256, 64, grey))).toEqual([
      { name: BLACK_AND_WHITE, confidence: 1 },
    ]);
  });

  it('when a few pixels have colour (under 1%), then still, at a lower confidence', () => {
    // 0.5% of the pixels red, like a red arrow drawn on a greyscale photo.
    const found = imageProperties(
      image(256, 64, (x, y) => (y === 0 && x < 82 ? [255, 0, 0] : grey(x))),
    );
    expect(found).toHaveLength(1);
    expect(found[0]!.confidence).toBeGreaterThan(0.7);
    expect(found[0]!.confidence).toBeLessThan(1);
  });

  it('when colour covers 1% or more, then nothing', () => {
    const found = imageProperties(image(256, 64, (x, y) => (y < 2 ? [0, 0, 255] : grey(x))));
    expect(found).toEqual([]);
  });

  it('when the image is flat (one tone, or nearly) or tiny, then nothing: a blank is not a photo', () => {
    expect(imageProperties(image(128, 128, () => [128, 128, 128]))).toEqual([]);
    expect(imageProperties(image(128, 128, (x) => grey(100 + (x % 40))))).toEqual([]);
    expect(imageProperties(image(16, 16, grey))).toEqual([]);
  });
});

const fixture = (name: string) =>
  readFile(join(import.meta.dirname, '..', 'fixtures', name)).then((bytes) =>
    decodeForModel(bytes),
  );
const names = (found: readonly { name: string }[]) => found.map(({ name }) => name);

describe('imageProperties: night', () => {
  it('when a real photo shows a lit city under a dark sky, then it is night', async () => {
    const found = imageProperties(await fixture('night-city.jpg'));
    expect(names(found)).toEqual([NIGHT]);
    expect(found[0]!.confidence).toBeGreaterThanOrEqual(0.5);
  });

  it('when a real photo is dark but not a night scene (a black notebook), then not night', async () => {
    expect(names(imageProperties(await fixture('dark-notebook.jpg')))).not.toContain(NIGHT);
  });

  it('when real photos were taken by day, then none is night', async () => {
    for (const day of ['bus.jpg', 'boat.jpg', 'car.jpg', 'astronaut.png', 'coffee.png']) {
      expect(names(imageProperties(await fixture(day))), day).not.toContain(NIGHT);
    }
  });

  // A dark, smooth sky on top, a dark ground below, and lit windows: `sky` and `lights` vary.
  const scene = (sky: number[], lights: boolean) =>
    image(300, 300, (x, y) => {
      if (y < 100) return sky;
      if (lights && y > 150 && y < 170 && x % 10 === 0) return [255, 220, 150];
      return [30, 30, 30];
    });

  it('when the dark sky is blue or black and there are lights, then night', () => {
    expect(names(imageProperties(scene([10, 15, 40], true)))).toEqual([NIGHT]);
    expect(names(imageProperties(scene([12, 12, 12], true)))).toEqual([NIGHT]);
  });

  it('when the dark top is warm or green (a room, foliage), or nothing is lit, then not night', () => {
    expect(imageProperties(scene([50, 30, 20], true))).toEqual([]);
    expect(imageProperties(scene([10, 40, 15], true))).toEqual([]);
    expect(imageProperties(scene([10, 15, 40], false))).toEqual([]);
  });
});

describe('imageProperties: sky', () => {
  it('when a real photo shows a harbour under a blue sky, then sky', async () => {
    const found = imageProperties(await fixture('boat.jpg'));
    expect(names(found)).toEqual([SKY]);
    expect(found[0]!.confidence).toBeGreaterThanOrEqual(0.5);
  });

  it('when real photos were taken indoors or close up, then no sky', async () => {
    for (const file of ['astronaut.png', 'coffee.png', 'chelsea.png', 'group.jpg', 'bus.jpg']) {
      expect(names(imageProperties(await fixture(file))), file).not.toContain(SKY);
    }
  });

  // A smooth top third of `top` (with some texture when `busy`), a mid-grey ground below.
  const scene = (top: (x: number, y: number) => number[]) =>
    image(300, 300, (x, y) => (y < 100 ? top(x, y) : [90 + (x % 7) * 10, 90, 80]));

  it('when the top third is smooth and sky-blue, a gradient included, then sky, surer the more', () => {
    const clear = imageProperties(scene(() => [110, 160, 220]));
    expect(names(clear)).toEqual([SKY]);
    expect(clear[0]!.confidence).toBeCloseTo(1, 5);
    const gradient = imageProperties(scene((_, y) => [90 + y, 140 + y, 200 + Math.floor(y / 2)]));
    expect(names(gradient)).toEqual([SKY]);
  });

  it('when the top third is grey or white (a wall, a ceiling), teal, dark or busy, then no sky', () => {
    expect(imageProperties(scene(() => [200, 200, 205]))).toEqual([]);
    expect(imageProperties(scene(() => [40, 160, 140]))).toEqual([]);
    expect(imageProperties(scene(() => [20, 25, 55]))).toEqual([]);
    // Blue, but with a step of 40 between neighbours: blue cups, a patterned shirt.
    expect(
      imageProperties(scene((x, y) => ((x + y) % 2 ? [60, 100, 200] : [100, 140, 240]))),
    ).toEqual([]);
  });
});
