import type * as HumanModule from '@vladmandic/human';
import { describe, expect, it } from 'vitest';
import type { FoundFace } from '../../src/tagging/face-detector.js';
import { LOCAL_MIN_CONFIDENCE } from '../../src/tagging/local-cut-off.js';
import {
  faceConfidence,
  faceLabels,
  GROUP_FACES,
  PERSON_EVIDENCE,
  PORTRAIT_FACE_HEIGHT,
  SURE_FACE,
} from '../../src/tagging/faces.js';

/** CenterNet's detection of a label, as Human reports it (box in pixels, boxRaw in fractions). */
const detected = (label: HumanModule.ObjectType, score: number): HumanModule.ObjectResult => ({
  id: 0,
  score,
  class: 0,
  label,
  box: [0, 0, 100, 100],
  boxRaw: [0, 0, 1, 1],
});
const person = (score: number) => detected('person', score);
const dog = (score: number) => detected('dog', score);
const objects = (...found: HumanModule.ObjectResult[]) => found;

/** A face of that score whose box is `height` of the image tall, at some place. */
const face = (score: number, height = 0.1, x = 0.4): FoundFace => ({
  score,
  box: { x, y: 0.2, w: height * 0.8, h: height },
});

const names = (labels: { name: string }[]) => labels.map((l) => l.name);

describe('faceConfidence', () => {
  it('when the face is as sure as the cut-off wants, then it maps onto the local cut-off', () => {
    expect(faceConfidence(SURE_FACE)).toBeCloseTo(LOCAL_MIN_CONFIDENCE, 10);
    expect(faceConfidence(0)).toBe(0);
    expect(faceConfidence(1)).toBeCloseTo(1, 10);
  });

  it('when one face scores higher than another, then its confidence is higher too', () => {
    const scores = [0, 0.1, 0.3, 0.49, 0.5, 0.51, 0.7, 0.9, 1];
    const mapped = scores.map(faceConfidence);
    for (let i = 1; i < mapped.length; i++) expect(mapped[i]).toBeGreaterThan(mapped[i - 1]!);
  });
});

describe('faceLabels', () => {
  it('when CenterNet sees no person, then even a high-scoring face gives no label (a cat, a cup)', () => {
    expect(faceLabels([face(0.95, 0.5)], objects(dog(0.9)))).toEqual([]);
    expect(faceLabels([face(0.95, 0.5)], objects(person(PERSON_EVIDENCE - 0.01)))).toEqual([]);
  });

  it('when there is a person and faces, then "face" carries the best face, its box clipped, and person as broader words', () => {
    const best = { score: 0.9, box: { x: -0.1, y: 0.5, w: 0.3, h: 0.7 } };
    const [label] = faceLabels([face(0.6), best], objects(person(PERSON_EVIDENCE)));
    expect(label).toEqual({
      name: 'face',
      confidence: Number(faceConfidence(0.9).toFixed(4)),
      box: { x: 0, y: 0.5, w: 0.2, h: 0.5 },
      parents: ['person', 'people'],
    });
  });

  it('when the one sure face is tall enough, then "portrait"; a little shorter, then not', () => {
    const person1 = objects(person(0.6));
    expect(names(faceLabels([face(0.9, PORTRAIT_FACE_HEIGHT)], person1))).toEqual([
      'face',
      'portrait',
    ]);
    expect(names(faceLabels([face(0.9, PORTRAIT_FACE_HEIGHT - 0.01)], person1))).toEqual(['face']);
    const portrait = faceLabels([face(0.9, 0.3)], person1).find((l) => l.name === 'portrait');
    expect(portrait).not.toHaveProperty('box');
  });

  it('when a second face is sure, then no "portrait"; a faint one beside it does not matter', () => {
    const person1 = objects(person(0.6));
    expect(names(faceLabels([face(0.9, 0.3), face(SURE_FACE, 0.1, 0.7)], person1))).toEqual([
      'face',
    ]);
    expect(names(faceLabels([face(0.9, 0.3), face(SURE_FACE - 0.01, 0.1, 0.7)], person1))).toEqual([
      'face',
      'portrait',
    ]);
  });

  it('when enough faces are sure, then "group" at the confidence of the least sure one it needs', () => {
    const sure = Array.from({ length: GROUP_FACES }, (_, i) => face(0.9 - i * 0.1, 0.1, i * 0.2));
    const labels = faceLabels([...sure, face(0.4, 0.1, 0.9)], objects(person(0.5)));
    expect(names(labels)).toEqual(['face', 'group']);
    const group = labels.find((l) => l.name === 'group')!;
    expect(group.confidence).toBeCloseTo(faceConfidence(sure.at(-1)!.score), 4);
    expect(group).not.toHaveProperty('box');
    expect(group.parents).toEqual(['people']);
    // One sure face fewer: no group, whatever the faint faces.
    expect(names(faceLabels([...sure.slice(1), face(0.45)], objects(person(0.5))))).toEqual([
      'face',
    ]);
  });

  it('when no face was found, then no label, whatever the persons', () => {
    expect(faceLabels([], objects(person(0.9)))).toEqual([]);
  });
});
