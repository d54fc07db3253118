// Which of the words Tesseract reports are words a person would read, and the tag `text`.
// Tesseract on a photo reads words into texture (leaves, gravel, fur): short, low-confidence
// strings such as "il", "Yi,", "E78" or "NOP)". The rules below were set on 40 photos and
// drawings without text and 13 images with text (BENCHMARKS.md, section 3, "Text"): no photo
// without text kept a word, and the real words that Tesseract read scored 80–96.
import type { Detection } from './tagger.js';

export const TEXT_TAG = 'text';

/** A word as Tesseract reports it: confidence from 0 to 100. */
export interface RecognisedWord {
  text: string;
  confidence: number;
}

/** A word kept: letters and digits with any inner ' . - kept, confidence from 0 to 1. */
export interface LegibleWord {
  text: string;
  confidence: number;
}

/** Below it a word is a guess (Tesseract's own scale, 0–100). */
const MIN_CONFIDENCE = 75;
/** Two-letter words and numbers are easy to hallucinate: they need more. */
const MIN_SHORT_CONFIDENCE = 90;
const SHORT_WORDS = new Set(
  'am an as at be by do go he if in is it me my no of oh ok on or so to up us we'.split(' '),
);
const EDGE_PUNCTUATION = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;
const WORD = /^[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*$/u;
const VOWEL = /[aeiouyàáâäãåæèéêëìíîïòóôöõøœùúûüý]/iu;
/** lower, UPPER or Capitalised: "pARkiNG" is noise. */
const CASE_PATTERN = /^(?:\p{Ll}+|\p{Lu}+|\p{Lu}\p{Ll}+)$/u;

function isLegible(text: string, confidence: number): boolean {
  if (!WORD.test(text)) return false;
  const plain = text.replace(/['’.-]/g, '');
  if (/^\p{N}+$/u.test(plain)) return plain.length >= 3 && confidence >= MIN_SHORT_CONFIDENCE;
  // Letters and digits mixed ("E78", "4x4") are far more often noise than a word.
  if (!/^\p{L}+$/u.test(plain) || !CASE_PATTERN.test(plain)) return false;
  if (plain.length === 2) {
    return SHORT_WORDS.has(plain.toLowerCase()) && confidence >= MIN_SHORT_CONFIDENCE;
  }
  return plain.length >= 3 && VOWEL.test(plain) && confidence >= MIN_CONFIDENCE;
}

/** The words a person would read, in Tesseract's reading order, edge punctuation removed. */
export function legibleWords(words: readonly RecognisedWord[]): LegibleWord[] {
  const kept: LegibleWord[] = [];
  for (const word of words) {
    const text = word.text.normalize('NFC').replace(EDGE_PUNCTUATION, '');
    if (isLegible(text, word.confidence)) kept.push({ text, confidence: word.confidence / 100 });
  }
  return kept;
}

/**
 * The tag `text` and the words for Image.text when the image holds legible text: two words, or
 * one of four letters or more (a lone short word is too often a misread texture). Confidence:
 * the mean of the words'.
 */
export function textFound(
  words: readonly LegibleWord[],
): { label: Detection; text: string } | undefined {
  const enough = words.length >= 2 || (words.length === 1 && words[0]!.text.length >= 4);
  if (!enough) return undefined;
  const confidence = words.reduce((sum, word) => sum + word.confidence, 0) / words.length;
  return {
    label: { name: TEXT_TAG, confidence },
    text: words.map((word) => word.text).join(' '),
  };
}
