// How Rekognition's answers become Detections and text (src/tagging/rekognition-answers.ts).
import type { TextDetection } from '@aws-sdk/client-rekognition';
import { describe, expect, it } from 'vitest';
import { labelsFrom, textFrom } from '../../src/tagging/rekognition-answers.js';

const line = (
  text: string,
  [Left, Top, Width, Height]: [number, number, number, number],
  confidence = 99,
): TextDetection => ({
  DetectedText: text,
  Type: 'LINE',
  Confidence: confidence,
  Geometry: { BoundingBox: { Left, Top, Width, Height } },
});

describe('labelsFrom', () => {
  it('when a label comes back, then its name is lower-case, its confidence a fraction and its ancestors its parents', () => {
    expect(
      labelsFrom({
        Labels: [
          {
            Name: 'Traffic Light',
            Confidence: 71.36000061035156,
            Parents: [{ Name: 'Light' }],
            Instances: [],
          },
        ],
      }),
    ).toEqual([{ name: 'traffic light', confidence: 0.7136, parents: ['Light'] }]);
  });

  it('when a label has instances, then the box is the best-scoring one, clipped to the frame', () => {
    const [label] = labelsFrom({
      Labels: [
        {
          Name: 'Car',
          Confidence: 98,
          Instances: [
            { Confidence: 80, BoundingBox: { Left: 0.1, Top: 0.1, Width: 0.2, Height: 0.2 } },
            { Confidence: 97, BoundingBox: { Left: -0.05, Top: 0.5, Width: 0.3, Height: 0.6 } },
          ],
        },
      ],
    });
    expect(label!.box).toEqual({ x: 0, y: 0.5, w: 0.25, h: 0.5 });
  });

  it('when a label has no name or no confidence, then it is left out', () => {
    expect(labelsFrom({ Labels: [{ Confidence: 90 }, { Name: 'Tree' }, { Name: ' ' }] })).toEqual(
      [],
    );
    expect(labelsFrom({})).toEqual([]);
  });
});

describe('textFrom', () => {
  it('when lines are stacked, then they read from the top; side by side at slightly different heights, from the left', () => {
    const { text } = textFrom({
      TextDetections: [
        line('EXIT', [0.6, 0.52, 0.1, 0.05]),
        line('NO ENTRY', [0.1, 0.5, 0.2, 0.05]),
        line('OPEN 9–5', [0.1, 0.1, 0.3, 0.05]),
      ],
    });
    expect(text).toBe('OPEN 9–5 NO ENTRY EXIT');
  });

  it('when words, doubtful lines and stray spaces come back, then only confident lines count, single-spaced', () => {
    const result = textFrom({
      TextDetections: [
        line('  CAFÉ   DU  MONDE ', [0.1, 0.1, 0.3, 0.05], 96.5),
        { ...line('CAFÉ', [0.1, 0.1, 0.1, 0.05]), Type: 'WORD', ParentId: 0 },
        line('zq1', [0.5, 0.6, 0.1, 0.05], 79.9),
      ],
    });
    expect(result.text).toBe('CAFÉ DU MONDE');
    expect(result.labels).toEqual([
      { name: 'text', confidence: 0.965, box: { x: 0.1, y: 0.1, w: 0.3, h: 0.05 } },
    ]);
  });

  it('when nothing legible was read, then no text and no "text" label', () => {
    expect(textFrom({ TextDetections: [line('??', [0, 0, 0.1, 0.1], 30)] })).toEqual({
      text: undefined,
      labels: [],
    });
    expect(textFrom({})).toEqual({ text: undefined, labels: [] });
  });
});
