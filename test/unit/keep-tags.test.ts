import { describe, expect, it } from 'vitest';
import { keepTags } from '../../src/tagging/keep-tags.js';

const opts = { minConfidence: 0.3, max: 10 };

describe('keepTags', () => {
  it('when names differ only in case and spacing, then they become one normalised name', () => {
    const kept = keepTags(
      [
        { name: '  Traffic   Light ', confidence: 0.5 },
        { name: 'traffic\tlight', confidence: 0.7 },
        { name: 'DOG', confidence: 0.4 },
      ],
      opts,
    );
    expect(kept).toEqual([
      { name: 'traffic light', confidence: 0.7 },
      { name: 'dog', confidence: 0.4 },
    ]);
  });

  it('when a name is empty or only whitespace, then it is dropped', () => {
    expect(
      keepTags(
        [
          { name: '', confidence: 0.9 },
          { name: ' \n ', confidence: 0.9 },
        ],
        opts,
      ),
    ).toEqual([]);
  });

  it('when a label repeats, then the highest confidence is kept once', () => {
    const kept = keepTags(
      [
        { name: 'person', confidence: 0.42 },
        { name: 'person', confidence: 0.6 },
        { name: 'person', confidence: 0.31 },
      ],
      opts,
    );
    expect(kept).toEqual([{ name: 'person', confidence: 0.6 }]);
  });

  it('when a confidence is exactly the minimum, then the tag is kept, and below it is dropped', () => {
    const kept = keepTags(
      [
        { name: 'at', confidence: 0.3 },
        { name: 'below', confidence: 0.2999 },
      ],
      opts,
    );
    expect(kept.map((t) => t.name)).toEqual(['at']);
  });

  it('when confidences fall outside 0–1, then they are clamped', () => {
    const kept = keepTags(
      [
        { name: 'high', confidence: 1.7 },
        { name: 'low', confidence: -0.5 },
        { name: 'nan', confidence: Number.NaN },
      ],
      { minConfidence: 0, max: 10 },
    );
    expect(kept).toEqual([
      { name: 'high', confidence: 1 },
      { name: 'low', confidence: 0 },
      { name: 'nan', confidence: 0 },
    ]);
  });

  it('when confidences tie, then tags are sorted by name after confidence', () => {
    const kept = keepTags(
      [
        { name: 'zebra', confidence: 0.5 },
        { name: 'car', confidence: 0.9 },
        { name: 'apple', confidence: 0.5 },
      ],
      opts,
    );
    expect(kept.map((t) => t.name)).toEqual(['car', 'apple', 'zebra']);
  });

  it('when there are more tags than max, then only the best max are kept', () => {
    const tags = Array.from({ length: 20 }, (_, i) => ({ name: `t${i}`, confidence: i / 20 }));
    const kept = keepTags(tags, { minConfidence: 0, max: 3 });
    expect(kept.map((t) => t.name)).toEqual(['t19', 't18', 't17']);
    expect(keepTags(tags, { minConfidence: 0, max: 0 })).toEqual([]);
  });

  it('when given tags, then the input array is left untouched', () => {
    const tags = [{ name: ' Dog ', confidence: 2 }];
    keepTags(tags, opts);
    expect(tags).toEqual([{ name: ' Dog ', confidence: 2 }]);
  });

  describe('boxes', () => {
    it('when a label repeats, then it keeps the box of its best detection, clipped to the frame', () => {
      const kept = keepTags(
        [
          { name: 'cat', confidence: 0.5, box: { x: 0, y: 0, w: 0.1, h: 0.1 } },
          {
            name: 'cat',
            confidence: 0.9,
            box: { x: -0.1, y: 0.5, w: 0.6, h: 0.7 },
            parents: ['animal'],
          },
          { name: 'person', confidence: 0.8 },
        ],
        opts,
      );
      expect(kept).toEqual([
        { name: 'animal', confidence: 0.9 },
        { name: 'cat', confidence: 0.9, box: { x: 0, y: 0.5, w: 0.5, h: 0.5 } },
        { name: 'person', confidence: 0.8 },
      ]);
    });

    it('when a box lies outside the frame, then the label is kept without one', () => {
      const kept = keepTags(
        [{ name: 'cat', confidence: 0.9, box: { x: 1.2, y: 0, w: 0.5, h: 0.5 } }],
        opts,
      );
      expect(kept).toEqual([{ name: 'cat', confidence: 0.9 }]);
    });
  });

  describe('broader words', () => {
    it('when labels with parents are kept, then each parent comes once, at its best child’s confidence', () => {
      const kept = keepTags(
        [
          { name: 'cat', confidence: 0.6, parents: ['animal', 'pet'] },
          { name: 'dog', confidence: 0.8, parents: ['Animal ', 'pet'] },
          { name: 'horse', confidence: 0.35, parents: ['animal'] },
        ],
        opts,
      );
      expect(kept).toEqual([
        { name: 'animal', confidence: 0.8 },
        { name: 'dog', confidence: 0.8 },
        { name: 'pet', confidence: 0.8 },
        { name: 'cat', confidence: 0.6 },
        { name: 'horse', confidence: 0.35 },
      ]);
    });

    it('when a label is dropped by the cut-off or by max, then its parents are not added, and they do not count against max', () => {
      const kept = keepTags(
        [
          { name: 'pizza', confidence: 0.9, parents: ['food'] },
          { name: 'car', confidence: 0.5, parents: ['vehicle'] },
          { name: 'cat', confidence: 0.2, parents: ['animal'] },
        ],
        { minConfidence: 0.3, max: 1 },
      );
      expect(kept).toEqual([
        { name: 'food', confidence: 0.9 },
        { name: 'pizza', confidence: 0.9 },
      ]);
    });

    it('when a parent is also a label found, then the label keeps its own confidence', () => {
      const kept = keepTags(
        [
          { name: 'animal', confidence: 0.4 },
          { name: 'dog', confidence: 0.9, parents: ['animal'] },
        ],
        opts,
      );
      expect(kept).toEqual([
        { name: 'dog', confidence: 0.9 },
        { name: 'animal', confidence: 0.4 },
      ]);
    });
  });
});
