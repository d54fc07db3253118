// A tagger that also reads the text in each image: the tag `text` and Image.text beside its own
// labels. Reading runs at the same time as the tagger, on another thread, so an upload waits for
// the slower of the two rather than for both; it never fails the image (text-reader.ts).
import type { TextReader } from './text-reader.js';
import { textFound } from './text-words.js';
import type { ImageToTag, Tagger, TaggerResult } from './tagger.js';

export class TextReadingTagger implements Tagger {
  readonly name: string;
  readonly defaultMinConfidence: number;

  constructor(
    readonly tagger: Tagger,
    readonly reader: TextReader,
  ) {
    this.name = tagger.name;
    this.defaultMinConfidence = tagger.defaultMinConfidence;
  }

  async tag(image: ImageToTag): Promise<TaggerResult> {
    const reading = this.reader.read(image.pixels);
    const [found, words] = await Promise.all([this.tagger.tag(image), reading]);
    const text = words && textFound(words);
    if (!text) return found;
    return { labels: [...found.labels, text.label], text: text.text };
  }

  async close(): Promise<void> {
    await Promise.all([this.tagger.close?.(), this.reader.close()]);
  }
}
