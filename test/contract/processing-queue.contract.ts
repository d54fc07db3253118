// The behaviour every ProcessingQueue adapter must have, as the use cases rely on it: createUpload
// expects an upload (so an image whose bytes never come ends `failed`), the upload or a retag
// enqueues, deleteImage cancels. What "handed over for processing" means is the harness's: a job a
// worker claims from the local queue, an Invoke of onUpload on AWS. A queue that holds keys (the
// local one) must forget cancelled keys and look again at a deadline; one that pushes at once
// and holds nothing (Lambda) must make cancel and expectUpload send nothing at all.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProcessingQueue } from '../../src/jobs/processing-queue.js';
import { objectKey } from '../../src/domain/object-keys.js';

export interface ProcessingQueueHarness {
  queue: ProcessingQueue;
  /**
   * The keys handed over for processing by `at`, each taken out as it is handed over (a second
   * call does not return them again). Time matters only to a queue that holds keys.
   */
  handedOverBy(at: Date): Promise<string[]>;
  close(): Promise<void>;
}

export interface ProcessingQueueTraits {
  /**
   * true: keys wait in the queue until taken, so cancel and expectUpload act on them (local).
   * false: enqueue pushes at once and nothing is held, so cancel and expectUpload are no-ops.
   */
  holdsKeys: boolean;
}

const MINUTE = 60_000;
const freshKey = () => objectKey(`owner-${randomUUID().slice(0, 8)}`, randomUUID());
const later = (ms: number) => new Date(Date.now() + ms);
const sorted = (keys: string[]) => [...keys].sort();

export function processingQueueContract(
  name: string,
  traits: ProcessingQueueTraits,
  setup: () => Promise<ProcessingQueueHarness>,
) {
  describe(`ProcessingQueue (${name})`, () => {
    let harness: ProcessingQueueHarness;
    beforeAll(async () => {
      harness = await setup();
    });
    afterAll(async () => {
      await harness?.close();
    });
    // Each test starts with nothing left over from the one before, even one that failed.
    beforeEach(async () => {
      await harness.handedOverBy(later(1000 * MINUTE));
    });
    const queue = () => harness.queue;
    const handedOverNow = () => harness.handedOverBy(new Date());

    it('when a key is enqueued, then it is handed over for processing at once, and only once', async () => {
      const key = freshKey();
      await queue().enqueue(key);
      expect(await handedOverNow()).toEqual([key]);
      expect(await harness.handedOverBy(later(60 * MINUTE))).toEqual([]);
    });

    // The port promises no order (the local queue happens to keep it; S3 events and Lambda do not).
    it('when several keys are enqueued, then each is handed over, once', async () => {
      const keys = [freshKey(), freshKey(), freshKey()];
      for (const key of keys) await queue().enqueue(key);
      expect(sorted(await handedOverNow())).toEqual(sorted(keys));
    });

    it('when a key has spaces, "+", "%", "/" or non-ASCII letters, then the very same key is handed over', async () => {
      const keys = ['u/a b/c+d', 'u/x%2By/50%', 'u/café/ünï/çødé', 'u/o/a+b%20c d'];
      for (const key of keys) await queue().enqueue(key);
      expect(sorted(await handedOverNow())).toEqual(sorted(keys));
    });

    it('when a key that was never queued is cancelled, then cancel resolves and nothing is handed over', async () => {
      await expect(queue().cancel(freshKey())).resolves.toBeUndefined();
      expect(await harness.handedOverBy(later(60 * MINUTE))).toEqual([]);
    });

    it('when a cancelled key is enqueued again, then it is handed over', async () => {
      const key = freshKey();
      await queue().enqueue(key);
      await queue().cancel(key);
      await queue().enqueue(key);
      const handed = await handedOverNow();
      expect(handed.at(-1)).toBe(key);
      expect(new Set(handed)).toEqual(new Set([key]));
    });

    if (traits.holdsKeys) {
      it('when a queued key is cancelled, then it is never handed over, and the others still are', async () => {
        const [kept, cancelled, alsoKept] = [freshKey(), freshKey(), freshKey()];
        await queue().enqueue(kept);
        await queue().enqueue(cancelled);
        await queue().expectUpload(alsoKept, later(MINUTE));
        await queue().cancel(cancelled);
        expect(await handedOverNow()).toEqual([kept]);
        expect(await harness.handedOverBy(later(60 * MINUTE))).toEqual([alsoKept]);
      });

      it('when an expected upload is cancelled, then nothing is handed over at its deadline', async () => {
        const key = freshKey();
        await queue().expectUpload(key, later(MINUTE));
        await queue().cancel(key);
        expect(await harness.handedOverBy(later(60 * MINUTE))).toEqual([]);
      });

      it('when an upload is expected, then the key is handed over at the deadline, not before', async () => {
        const key = freshKey();
        const deadline = later(15 * MINUTE);
        await queue().expectUpload(key, deadline);
        expect(await handedOverNow()).toEqual([]);
        expect(await harness.handedOverBy(new Date(deadline.getTime() - 1))).toEqual([]);
        expect(await harness.handedOverBy(deadline)).toEqual([key]);
        expect(await harness.handedOverBy(later(60 * MINUTE))).toEqual([]);
      });

      it('when an expected key is enqueued before its deadline, then it is handed over at once and not again at the deadline', async () => {
        const key = freshKey();
        await queue().expectUpload(key, later(15 * MINUTE));
        await queue().enqueue(key);
        expect(await handedOverNow()).toEqual([key]);
        expect(await harness.handedOverBy(later(60 * MINUTE))).toEqual([]);
      });

      it('when a key is enqueued twice before it is taken, then it is handed over once', async () => {
        const key = freshKey();
        await queue().enqueue(key);
        await queue().enqueue(key);
        expect(await handedOverNow()).toEqual([key]);
      });
    } else {
      it('when a queued key is cancelled, then cancel sends nothing: what was pushed stays pushed', async () => {
        const key = freshKey();
        await queue().enqueue(key);
        await queue().cancel(key);
        expect(await handedOverNow()).toEqual([key]);
      });

      it('when an upload is expected, then nothing is sent, then or at the deadline', async () => {
        const key = freshKey();
        await queue().expectUpload(key, later(MINUTE));
        expect(await handedOverNow()).toEqual([]);
        expect(await harness.handedOverBy(later(60 * MINUTE))).toEqual([]);
      });

      it('when an expected key is enqueued, then it is handed over once, at once', async () => {
        const key = freshKey();
        await queue().expectUpload(key, later(MINUTE));
        await queue().enqueue(key);
        expect(await handedOverNow()).toEqual([key]);
      });
    }
  });
}
