// Reading text with the real Tesseract (tesseract.js and its English data from node_modules): the
// words of a sign are read, photos without text get none, nothing is fetched or written, and a
// read that runs out of time costs the image its text only.
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalModelPool } from '../../src/tagging/local-model-pool.js';
import { TextReader } from '../../src/tagging/text-reader.js';
import { TextReadingTagger } from '../../src/tagging/text-reading-tagger.js';
import { TEXT_TAG } from '../../src/tagging/text-words.js';
import { fixture, imageToTag, taggerContract } from './tagger.contract.js';

taggerContract('local model on 2 threads, reading text', async () => ({
  tagger: new TextReadingTagger(
    new LocalModelPool({ size: 2 }),
    new TextReader({ timeoutMs: 30_000 }),
  ),
}));

const pixelsOf = async (file: string) => (await imageToTag(await fixture(file))).pixels;

/** Warnings the reader logged, as text. */
function recordingLog() {
  const warnings: string[] = [];
  return {
    warnings,
    log: {
      warn(details: object, message: string) {
        warnings.push(`${message}: ${String((details as { err?: unknown }).err)}`);
      },
    },
  };
}

describe('TextReader with the real Tesseract', () => {
  const { warnings, log } = recordingLog();
  const reader = new TextReader({ timeoutMs: 30_000, log });
  afterAll(() => reader.close());

  it('when given a photo of a street sign, then its words are read in order', async () => {
    const words = (await reader.read(await pixelsOf('sign.jpg')))?.map((w) => w.text);
    expect(words).toEqual(expect.arrayContaining(['PARKING', 'PROHIBITED']));
    expect(words!.indexOf('PARKING')).toBeLessThan(words!.indexOf('PROHIBITED'));
    expect(warnings).toEqual([]);
  });

  it('when given photos without legible text, then no word is kept', async () => {
    for (const file of ['bus.jpg', 'astronaut.png', 'chelsea.png', 'coffee.png', 'camera.png']) {
      expect(await reader.read(await pixelsOf(file)), file).toEqual([]);
    }
  });

  it('when it reads, then nothing is written to the working directory (tesseract.js caches there by default)', async () => {
    await reader.read(await pixelsOf('shop-front.jpg'));
    expect(readdirSync(process.cwd()).filter((name) => name.includes('traineddata'))).toEqual([]);
  });
});

describe('TextReader recycling its Tesseract', () => {
  it('when a Tesseract has read its share, then a fresh one reads the next image just as well', async () => {
    const { warnings, log } = recordingLog();
    const reader = new TextReader({ timeoutMs: 30_000, log, readsPerReader: 2 });
    try {
      const sign = await pixelsOf('sign.jpg');
      const first = (await reader.read(sign))?.map((w) => w.text);
      await reader.read(await pixelsOf('bus.jpg'));
      expect(reader.stats().recycled).toBe(1);
      // Read by the second Tesseract: the same words as the first read them.
      expect((await reader.read(sign))?.map((w) => w.text)).toEqual(first);
      expect(first).toContain('PARKING');
      expect(warnings).toEqual([]);
    } finally {
      await reader.close();
    }
  });
});

describe('TextReader without a network', () => {
  it('when its language data is given as a URL, then the fetch is refused, the read gives no words, and the failure is logged', async () => {
    // The reader's thread replaces fetch: reading works above with no network at all, and here
    // the one way tesseract.js would reach for one is refused.
    const { warnings, log } = recordingLog();
    const reader = new TextReader({ timeoutMs: 30_000, log, langPath: 'http://127.0.0.1:9/eng' });
    try {
      expect(await reader.read(await pixelsOf('sign.jpg'))).toBeUndefined();
      expect(warnings).toEqual([
        expect.stringContaining('Refusing to fetch http://127.0.0.1:9/eng'),
      ]);
    } finally {
      await reader.close();
    }
  });
});

describe('TextReader out of time', () => {
  it('when a read takes longer than the limit, then it gives no words, is logged, and the next read runs on a new Tesseract', async () => {
    const { warnings, log } = recordingLog();
    const reader = new TextReader({ timeoutMs: 1, log });
    try {
      expect(await reader.read(await pixelsOf('sign.jpg'))).toBeUndefined();
      expect(warnings).toEqual([expect.stringContaining('longer than 1 ms')]);
      // The Tesseract that ran out of time was ended: a new one starts, and is timed afresh.
      expect(await reader.read(await pixelsOf('page.png'))).toBeUndefined();
      expect(warnings).toEqual([
        expect.stringContaining('longer than 1 ms'),
        expect.stringContaining('longer than 1 ms'),
      ]);
    } finally {
      await reader.close();
    }
  });

  it('when the text reading runs out of time, then the image keeps the labels of the model', async () => {
    const pool = new LocalModelPool({ size: 1 });
    const tagger = new TextReadingTagger(pool, new TextReader({ timeoutMs: 1 }));
    try {
      const found = await tagger.tag(await imageToTag(await fixture('sign.jpg')));
      expect(found.text).toBeUndefined();
      const names = found.labels.map((label) => label.name);
      expect(names).not.toContain(TEXT_TAG);
      expect(names).toEqual(expect.arrayContaining(['person', 'car']));
    } finally {
      await tagger.close();
    }
  });
});
