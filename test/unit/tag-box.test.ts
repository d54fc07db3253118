// Where the gallery draws a tag's box over an <img> (src/web/client/tag-box.ts): the picture's
// part of the element's box under each object-fit, and a box carried into it.
import { describe, expect, it } from 'vitest';
import { boxOnElement, pictureArea } from '../../src/web/client/tag-box.js';

const landscape = { width: 400, height: 200 };
const closeTo = (area: { x: number; y: number; w: number; h: number }) => ({
  x: expect.closeTo(area.x, 6),
  y: expect.closeTo(area.y, 6),
  w: expect.closeTo(area.w, 6),
  h: expect.closeTo(area.h, 6),
});

describe('pictureArea', () => {
  it('when the picture fills its element (object-fit: fill), then it covers all of it', () => {
    expect(pictureArea({ width: 300, height: 300 }, landscape, 'fill', '50% 50%')).toEqual({
      x: 0,
      y: 0,
      w: 1,
      h: 1,
    });
  });

  it('when a wide picture is contained in a square, then it is letterboxed top and bottom, centred', () => {
    expect(pictureArea({ width: 300, height: 300 }, landscape, 'contain', '50% 50%')).toEqual(
      closeTo({ x: 0, y: 0.25, w: 1, h: 0.5 }),
    );
  });

  it('when object-position moves a contained picture, then its bars are where it says', () => {
    expect(pictureArea({ width: 300, height: 300 }, landscape, 'contain', '0% 100%')).toEqual(
      closeTo({ x: 0, y: 0.5, w: 1, h: 0.5 }),
    );
    expect(pictureArea({ width: 300, height: 300 }, landscape, 'contain', '0px 30px')).toEqual(
      closeTo({ x: 0, y: 0.1, w: 1, h: 0.5 }),
    );
  });

  it('when a wide picture covers a square, then its sides are cropped (beyond 0–1)', () => {
    expect(pictureArea({ width: 300, height: 300 }, landscape, 'cover', '50% 50%')).toEqual(
      closeTo({ x: -0.5, y: 0, w: 2, h: 1 }),
    );
  });

  it('when a small picture is scaled down (scale-down), then it keeps its own size, centred', () => {
    expect(pictureArea({ width: 800, height: 800 }, landscape, 'scale-down', '50% 50%')).toEqual(
      closeTo({ x: 0.25, y: 0.375, w: 0.5, h: 0.25 }),
    );
  });

  it('when the picture has no size yet, then the whole element is taken', () => {
    expect(
      pictureArea({ width: 300, height: 300 }, { width: 0, height: 0 }, 'contain', '50% 50%'),
    ).toEqual({ x: 0, y: 0, w: 1, h: 1 });
  });
});

describe('boxOnElement', () => {
  it('when a box lies in a letterboxed picture, then it is scaled into the picture’s part', () => {
    const picture = { x: 0, y: 0.25, w: 1, h: 0.5 };
    expect(boxOnElement({ x: 0.5, y: 0.5, w: 0.5, h: 0.5 }, picture)).toEqual(
      closeTo({ x: 0.5, y: 0.5, w: 0.5, h: 0.25 }),
    );
  });
});
