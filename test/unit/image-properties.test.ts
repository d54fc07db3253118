import { describe, expect, it } from 'vitest';
import { BLACK_AND_WHITE, imageProperties } from '../../src/tagging/image-properties.js';

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
