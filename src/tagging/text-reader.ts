// Words in an image, read offline: Tesseract (tesseract.js, its wasm core) with the English data
// of @tesseract.js-data/eng, all read from node_modules. Nothing is fetched (the thread refuses
// the network: text-reader-thread.ts) and nothing is written (tesseract.js caches language data
// in the working directory unless told not to). One Tesseract serves every image in turn, in
// its own thread: its heap grows to about 110 MiB and stays (BENCHMARKS.md, section 3, "Text").
//
// Reading never fails an image: an error or an image that takes longer than the time limit
// gives no words, is logged, and the next image gets a new Tesseract.
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Worker as TesseractWorker, Page } from 'tesseract.js';
import type { Worker as NodeWorker } from 'node:worker_threads';
import { luma, type DecodedImage } from '../imaging/decode.js';
import { legibleWords, type LegibleWord, type RecognisedWord } from './text-words.js';
import { workerScript, type WorkerScript } from './worker-script.js';

const require = createRequire(import.meta.url);

export interface TextReaderOptions {
  /** Longest a read may take (the image's turn, not its wait); then it gives no words. */
  timeoutMs: number;
  /** Where problems go; they never reach the image. */
  log?: { warn(details: object, message: string): void };
  /** For tests: where eng.traineddata.gz is (a folder, or a URL, which the thread refuses). */
  langPath?: string;
  /**
   * Images one Tesseract reads before a fresh one takes over (default 1,000): its WebAssembly heap
   * only grows, to what the largest image so far needed. A bound on a long run's creep, like the
   * model threads' (local-model-pool.ts); a start costs about 0.3 s.
   */
  readsPerReader?: number;
}

/** Longest Tesseract may take to start (about 0.3 s here): a start that hangs is a failure. */
const START_LIMIT_MS = 30_000;

/**
 * The LSTM-only data, 2.9 MB: Tesseract's legacy engine (the package's other folder, 10.9 MB)
 * is not used, and this is what tesseract.js itself would fetch for the LSTM engine.
 */
function defaultLangPath(): string {
  return path.join(path.dirname(require.resolve('@tesseract.js-data/eng')), '4.0.0_best_int');
}

/**
 * tesseract.js starts its thread from a path alone (no argv, no loader), so it starts this:
 * a module that passes on workerScript's argv and imports the thread's entry, compiled or not.
 */
function threadEntry(script: WorkerScript): URL {
  const argv = JSON.stringify(script.options.argv ?? []);
  const code = `process.argv.push(...${argv}); await import(${JSON.stringify(String(script.filename))});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/** Greyscale as a binary PGM: Tesseract reads it as is, without the cost of an encoder. */
export function greyscalePgm({ data, width, height }: DecodedImage): Buffer {
  const header = Buffer.from(`P5\n${width} ${height}\n255\n`, 'ascii');
  const pgm = Buffer.allocUnsafe(header.length + width * height);
  header.copy(pgm);
  // About 2 ms for 1024 × 768 pixels.
  for (let i = 0, o = header.length; o < pgm.length; i += 3, o += 1) {
    pgm[o] = luma(data[i]!, data[i + 1]!, data[i + 2]!);
  }
  return pgm;
}

function wordsOf(page: Page): RecognisedWord[] {
  return (page.blocks ?? []).flatMap((block) =>
    block.paragraphs.flatMap((paragraph) => paragraph.lines.flatMap((line) => line.words)),
  );
}

class TimeLimit extends Error {
  override readonly name = 'TimeLimit';
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeLimit(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

interface Reader {
  tesseract: TesseractWorker;
  /** The thread itself (tesseract.js keeps it as `worker`, untyped). */
  thread: NodeWorker;
  failed: Error | undefined;
}

export class TextReader {
  readonly #timeoutMs: number;
  readonly #log: TextReaderOptions['log'];
  readonly #langPath: string;
  readonly #readsPerReader: number;
  #reader: Promise<Reader> | undefined;
  /** Images the current Tesseract has read. */
  #reads = 0;
  /** Fresh Tesseracts started after one had read readsPerReader images. */
  #recycled = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: TextReaderOptions) {
    this.#timeoutMs = options.timeoutMs;
    this.#log = options.log;
    this.#langPath = options.langPath ?? defaultLangPath();
    this.#readsPerReader = options.readsPerReader ?? 1000;
    if (!(this.#readsPerReader >= 1)) throw new Error('readsPerReader must be ≥ 1');
  }

  /** For tests and benchmarks: how many times a Tesseract was replaced after its share. */
  stats(): { recycled: number } {
    return { recycled: this.#recycled };
  }

  /** The legible words, in reading order; undefined when reading failed or ran out of time. */
  read(image: DecodedImage): Promise<LegibleWord[] | undefined> {
    const turn = this.#queue.then(() => this.#readNow(image));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#reset();
  }

  async #readNow(image: DecodedImage): Promise<LegibleWord[] | undefined> {
    if (this.#closed) return undefined;
    const started = performance.now();
    let reader: Reader | undefined;
    try {
      reader = await this.#ready();
      if (reader.failed) {
        // It stopped since the last image (as a time-out or a crash leaves it): start anew.
        await this.#reset();
        reader = await this.#ready();
      }
      reader.thread.ref(); // a read in progress keeps the process alive; an idle reader does not
      const pgm = greyscalePgm(image);
      const result = await within(
        reader.tesseract.recognize(pgm, {}, { text: false, blocks: true }),
        this.#timeoutMs,
        'Reading text',
      );
      if (reader.failed) throw reader.failed;
      this.#reads += 1;
      if (this.#reads >= this.#readsPerReader) {
        // The next image starts a fresh one; this one ends in the background.
        this.#recycled += 1;
        void this.#reset().catch(() => undefined);
      }
      return legibleWords(wordsOf(result.data));
    } catch (error) {
      const ms = Math.round(performance.now() - started);
      this.#log?.warn({ err: error, ms }, 'text not read; the image keeps its other tags');
      // Whatever state Tesseract is in (busy past the limit, crashed), the next image gets a new one.
      await this.#reset();
      return undefined;
    } finally {
      reader?.thread.unref();
    }
  }

  #ready(): Promise<Reader> {
    this.#reader ??= this.#start();
    return this.#reader;
  }

  async #start(): Promise<Reader> {
    const { createWorker, OEM, PSM } = (await import('tesseract.js')).default;
    // tesseract.js answers a failed start only through errorHandler (and would throw from its
    // message listener without one); after the start, a failed job also rejects itself.
    let startFailed: (error: Error) => void = () => undefined;
    const failure = new Promise<never>((_, reject) => {
      startFailed = reject;
    });
    const starting = createWorker('eng', OEM.LSTM_ONLY, {
      langPath: this.#langPath,
      // tesseract.js passes it to `new Worker()`, which takes a URL as well as a path.
      workerPath: threadEntry(workerScript('text-reader-thread', import.meta.url)) as never,
      cacheMethod: 'none',
      gzip: true,
      errorHandler: (reason: unknown) => startFailed(new Error(`Tesseract: ${String(reason)}`)),
    });
    let abandoned = false;
    // A start that failed has no worker to end: its thread ends itself (text-reader-thread.ts).
    // One that succeeds after the limit is ended here.
    void starting.then((late) => (abandoned ? late.terminate() : undefined));
    let tesseract: TesseractWorker;
    try {
      tesseract = await within(
        Promise.race([starting, failure]),
        START_LIMIT_MS,
        'Starting Tesseract',
      );
      await tesseract.setParameters({
        // Sparse text: words anywhere in a photo, in no layout (a sign, a shop front). Tried on
        // the same photos, automatic layout took photos for pictures and read none of their signs.
        tessedit_pageseg_mode: PSM.SPARSE_TEXT,
        debug_file: '/dev/null', // Tesseract's diagnostics, one file per image otherwise unread
      });
    } catch (error) {
      abandoned = true;
      throw error;
    }
    // Typed by tesseract.js as its own Worker; in Node it also holds the thread as `worker`.
    const thread = (tesseract as unknown as { worker: NodeWorker }).worker;
    const reader: Reader = { tesseract, thread, failed: undefined };
    thread.on('error', (error) => {
      reader.failed = error; // a read in progress ends at its time limit, and resets
    });
    thread.on('exit', () => {
      reader.failed ??= new Error('The Tesseract thread stopped.');
    });
    thread.unref();
    return reader;
  }

  async #reset(): Promise<void> {
    const current = this.#reader;
    this.#reader = undefined;
    this.#reads = 0;
    if (!current) return;
    const reader = await current.catch(() => undefined);
    await reader?.tesseract.terminate();
  }
}
