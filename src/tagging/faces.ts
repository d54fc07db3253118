// From the faces BlazeFace found (face-detector.ts) to labels: `face`, and what the faces say about
// the photo, `portrait` (one face that fills the frame) or `group` (several people). Nothing about
// whose face, or age, gender or mood: only where faces are and how many. Each threshold here was
// set on real photos (BENCHMARKS.md, Faces, gives the scores it rests on). Data and pure
// functions: GET /vocabulary reads FACE_WORDS without loading a model.
import type * as HumanModule from '@vladmandic/human';
import { clipBox, roundFraction as round } from '../domain/box.js';
import type { FoundFace } from './face-detector.js';
import { LOCAL_MIN_CONFIDENCE } from './local-cut-off.js';
import type { Detection } from './tagger.js';

export const FACE = 'face';
export const PORTRAIT = 'portrait';
export const GROUP = 'group';
export const FACE_WORDS: readonly string[] = [FACE, PORTRAIT, GROUP];

/** A face is someone in the picture; the broader words of CenterNet's `person` go with it. */
const FACE_PARENTS = ['person', 'people'];

/**
 * BlazeFace alone takes a cat's head (0.79), a coffee cup (0.62), a galaxy (0.58) and a mandrill
 * (0.48) for faces: a face counts only when CenterNet also sees a person in the photo at this
 * score. Photos with real faces had a person at 0.41 or more; the false ones at most 0.23 (a dog's
 * open mouth, a graffiti).
 */
export const PERSON_EVIDENCE = 0.3;

/**
 * BlazeFace's score at which a face is as sure as a label at the local tagger's cut-off:
 * real faces scored 0.50–0.94; faint faces beside a real one (false, or cut by the frame) at most
 * 0.46. Only faces at or above it count for `portrait` and `group`.
 */
export const SURE_FACE = 0.5;

/**
 * Portrait: the one sure face is at least this share of the photo's height (BlazeFace's box runs
 * from the brows to the chin). Head-and-shoulders photos measured 0.20–0.75 (the astronaut 0.20),
 * a man with a camera shot from the waist up 0.14, a footballer in full figure 0.10.
 */
export const PORTRAIT_FACE_HEIGHT = 0.17;

/** Group: at least this many sure faces. Two people are a pair, not a group photo. */
export const GROUP_FACES = 3;

/**
 * BlazeFace's score on the local tagger's confidence scale: SURE_FACE becomes LOCAL_MIN_CONFIDENCE,
 * the cut-off CenterNet's labels are judged by, so TAG_MIN_CONFIDENCE means the same for both.
 * Piecewise linear through (0, 0), (SURE_FACE, the cut-off) and (1, 1): the order of scores is kept.
 */
export function faceConfidence(score: number): number {
  const atCutOff = LOCAL_MIN_CONFIDENCE;
  return score <= SURE_FACE
    ? (score / SURE_FACE) * atCutOff
    : atCutOff + ((score - SURE_FACE) / (1 - SURE_FACE)) * (1 - atCutOff);
}

/**
 * The face labels of one image: `face` at the best face's confidence and box; `portrait` or
 * `group` from the sure faces. None unless CenterNet saw a person (objects: its raw detections).
 */
export function faceLabels(
  faces: readonly FoundFace[],
  objects: readonly HumanModule.ObjectResult[],
): Detection[] {
  const seesPerson = objects.some((o) => o.label === 'person' && o.score >= PERSON_EVIDENCE);
  const best = [...faces].sort((a, b) => b.score - a.score);
  if (!seesPerson || !best[0]) return [];
  const labels: Detection[] = [
    {
      name: FACE,
      confidence: round(faceConfidence(best[0].score)),
      box: clipBox(best[0].box),
      parents: FACE_PARENTS,
    },
  ];
  const sure = best.filter((face) => face.score >= SURE_FACE);
  if (sure.length === 1 && sure[0]!.box.h >= PORTRAIT_FACE_HEIGHT) {
    // A way of framing the whole photo: no box.
    const confidence = round(faceConfidence(sure[0]!.score));
    labels.push({ name: PORTRAIT, confidence, parents: FACE_PARENTS });
  }
  const last = sure[GROUP_FACES - 1];
  if (last) {
    // As sure as the least sure face it needs.
    labels.push({
      name: GROUP,
      confidence: round(faceConfidence(last.score)),
      parents: ['people'],
    });
  }
  return labels;
}
