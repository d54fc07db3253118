import { describe, expect, it } from 'vitest';
import { legibleWords, textFound, TEXT_TAG } from '../../src/tagging/text-words.js';

const word = (text: string, confidence = 95) => ({ text, confidence });
const kept = (...words: { text: string; confidence: number }[]) =>
  legibleWords(words).map((w) => w.text);

describe('legibleWords', () => {
  it('when Tesseract reads real words, then they are kept in order, edge punctuation removed', () => {
    expect(
      kept(word('PARKING'), word('prohibited,'), word('(Sometimes'), word('real-world')),
    ).toEqual(['PARKING', 'prohibited', 'Sometimes', 'real-world']);
  });

  it('when a word scores under 75, then it is dropped', () => {
    expect(kept(word('Centre', 74), word('Centre', 75))).toEqual(['Centre']);
  });

  it('when texture is read as short or odd strings, then none is kept', () => {
    // All read with confidence 60–85 in photos without text (BENCHMARKS.md, section 3).
    expect(kept(word('il', 72), word('Yi,', 63), word('E78', 80), word('pARk', 90))).toEqual([]);
    expect(kept(word('lll'), word('|'), word('——'), word('00000', 60))).toEqual([]);
  });

  it('when a two-letter word or a number is read, then it needs a common word and confidence 90', () => {
    expect(
      kept(word('at', 95), word('GM', 95), word('of', 85), word('125', 96), word('11', 96)),
    ).toEqual(['at', '125']);
  });
});

describe('textFound', () => {
  it('when two words are legible, then the tag text has their mean confidence and the words are the text', () => {
    const found = textFound(legibleWords([word('the', 90), word('ship', 96)]));
    expect(found?.label.name).toBe(TEXT_TAG);
    expect(found?.label.confidence).toBeCloseTo(0.93, 6);
    expect(found?.text).toBe('the ship');
  });

  it('when a single short word is all there is, then there is no text', () => {
    expect(textFound(legibleWords([word('all', 82)]))).toBeUndefined();
    expect(textFound([])).toBeUndefined();
    expect(textFound(legibleWords([word('STOP', 90)]))?.text).toBe('STOP');
  });
});
