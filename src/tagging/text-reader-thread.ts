// The thread tesseract.js runs its worker script in (text-reader.ts starts it): the network
// refused, Tesseract's console chatter dropped, and a thread that failed to start ended.
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

if (!parentPort) throw new Error('text-reader-thread runs only as a worker thread');

// tesseract.js fetches its language data and images when it is given a URL; the reader gives it
// file paths and bytes only, and this makes sure nothing else ever leaves the machine.
globalThis.fetch = (input: string | URL | Request) => {
  const url = input instanceof Request ? input.url : String(input);
  return Promise.reject(new Error(`Refusing to fetch ${url}: the text reader reads local files.`));
};

// Tesseract and Leptonica print diagnostics ("Estimating resolution as 412", "Error in
// pixScanForForeground") for ordinary photos; the reader reports what matters itself.
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  // eslint-disable-next-line no-console -- replaced, not used: this thread has nothing to say
  console[method] = () => undefined;
}

// When loading the core, the language data or initialising fails, tesseract.js's createWorker
// never settles and gives its caller no handle to end the thread: the thread ends itself, after
// its answer has gone out (the caller learns of the failure through that answer).
const STARTING = new Set(['load', 'loadLanguage', 'initialize']);
const port = parentPort;
const post = port.postMessage.bind(port);
port.postMessage = (message: unknown, ...rest: []) => {
  post(message, ...rest);
  const { status, action } = (message ?? {}) as { status?: unknown; action?: unknown };
  if (status === 'reject' && typeof action === 'string' && STARTING.has(action)) {
    setTimeout(() => process.exit(1), 50);
  }
};

createRequire(import.meta.url)('tesseract.js/src/worker-script/node/index.js');
