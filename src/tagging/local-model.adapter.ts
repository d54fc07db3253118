// TAGGER=local (the default): the bundled model, on up to TAG_WORKERS threads (a shared
// variable: the local worker also runs that many jobs at once, whichever tagger). Inference runs
// on threads even with one: in the main thread it would block the HTTP event loop for each image.
// OCR=on (the default) also reads the words in each image offline (text-reader.ts), each read
// limited to OCR_TIMEOUT_MS. Only the local tagger reads text: Clarifai and Rekognition are
// services with text reading of their own, and a Lambda bundle must not carry Tesseract.
import * as z from 'zod';
import { taggerAdapter } from '../adapter-descriptor.js';
import { integer } from '../env-schemas.js';

export interface LocalTaggerSettings {
  /** OCR=on. */
  ocr: boolean;
  /** OCR_TIMEOUT_MS: longest one image's reading may take; then it has no text. */
  ocrTimeoutMs: number;
}

export const localModelTagger = taggerAdapter({
  kind: 'local',
  envSchema: z.object({
    OCR: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
    // About 0.1 s for a photo and 0.6 s for a page of print (CPU); the rest is room for a busy
    // machine, where the reading thread shares the cores with the model's.
    OCR_TIMEOUT_MS: integer(1, 600_000).default(3000),
  }),
  settings: (variables): LocalTaggerSettings => ({
    ocr: variables.OCR === 'on',
    ocrTimeoutMs: variables.OCR_TIMEOUT_MS,
  }),
  // The table only (data): the model loads in create(), on the worker, never for this.
  async vocabulary({ ocr }) {
    const { LOCAL_VOCABULARY } = await import('./local-vocabulary.js');
    const { TEXT_TAG } = await import('./text-words.js');
    return ocr ? LOCAL_VOCABULARY : LOCAL_VOCABULARY.filter((name) => name !== TEXT_TAG);
  },
  async create({ ocr, ocrTimeoutMs }, { tagWorkers, log }) {
    const { LocalModelPool } = await import('./local-model-pool.js');
    const pool = new LocalModelPool({ size: tagWorkers });
    if (!ocr) return pool;
    const [{ TextReader }, { TextReadingTagger }] = await Promise.all([
      import('./text-reader.js'),
      import('./text-reading-tagger.js'),
    ]);
    return new TextReadingTagger(pool, new TextReader({ timeoutMs: ocrTimeoutMs, log }));
  },
});
