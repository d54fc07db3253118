// A tagging thread for the pool's tests: speaks the real protocol, but what it does depends on the
// image's width, so a test can make a thread answer, fail in each way, or die, in milliseconds.
import { threadId } from 'node:worker_threads';
import { parentPort } from 'node:worker_threads';
import { TransientError, UnprocessableImageError } from '../../src/domain/errors.js';
import { serveTagRequests } from '../../src/tagging/tag-thread-protocol.js';

export const FAKE = {
  answer: 1,
  exit: 2,
  unprocessable: 3,
  transient: 4,
  bug: 5,
  uncaught: 6,
  slow: 7,
} as const;

if (parentPort) {
  serveTagRequests(parentPort, async ({ width, data }) => {
    switch (width) {
      case FAKE.exit:
        process.exit(3);
        break;
      case FAKE.unprocessable:
        throw new UnprocessableImageError('The pixels make no sense.');
      case FAKE.transient:
        throw new TransientError('The model is out for lunch.');
      case FAKE.bug:
        throw new TypeError('undefined is not a function');
      case FAKE.uncaught:
        setImmediate(() => {
          throw new Error('a callback blew up');
        });
        return new Promise(() => {}); // never answers: the thread dies first
      case FAKE.slow:
        await new Promise((resolve) => setTimeout(resolve, 300));
        break;
    }
    return { labels: [{ name: `thread ${threadId}`, confidence: data.length / 1000 }] };
  });
}
