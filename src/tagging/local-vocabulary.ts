// Every name the local tagger can emit, for GET /vocabulary: one line per source of names, each
// from the module that emits them. Data only: read without loading any model.
import { COCO_PARENTS } from './broader-words.js';
import { FACE_WORDS } from './faces.js';
import { BLACK_AND_WHITE, NIGHT, SKY } from './image-properties.js';
import { TEXT_TAG } from './text-words.js';

export const LOCAL_VOCABULARY: readonly string[] = [
  ...new Set([
    // The model's 80 COCO labels, and their broader words.
    ...Object.keys(COCO_PARENTS),
    ...Object.values(COCO_PARENTS).flat(),
    // From the faces found (their broader words are COCO's person's).
    ...FACE_WORDS,
    // From pixel statistics.
    BLACK_AND_WHITE,
    NIGHT,
    SKY,
    // Words read in the image (OCR=on; the adapter leaves it out with OCR=off).
    TEXT_TAG,
  ]),
];
