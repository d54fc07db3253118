import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { TransientError, UnprocessableImageError } from '../../src/domain/errors.js';
import { LocalModelPool } from '../../src/tagging/local-model-pool.js';
import { workerScript } from '../../src/tagging/worker-script.js';
import { imageToTag, tagBytes } from '../contract/tagger.contract.js';
import { FAKE } from '../support/fake-tag-thread.js';

const script = workerScript('fake-tag-thread', new URL('../support/', import.meta.url).href);

/** A PNG `width` pixels wide: the width tells the fake thread what to do. */
const image = (width: keyof typeof FAKE) =>
  sharp({ create: { width: FAKE[width], height: 2, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();

/** OS threads of this process: a worker thread is one, and is gone when it has exited. */
const osThreads = () =>
  Number(/Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);

describe('LocalModelPool (with a fake model thread)', () => {
  const pools: LocalModelPool[] = [];
  const pool = (size: number, imagesPerThread?: number) => {
    const created = new LocalModelPool({
      size,
      script,
      ...(imagesPerThread ? { imagesPerThread } : {}),
    });
    pools.push(created);
    return created;
  };

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });

  it('when a thread has tagged imagesPerThread images, then a fresh thread takes the next, and nothing fails', async () => {
    const p = pool(1, 2);
    const answer = await image('answer');
    const threads: string[] = [];
    for (let k = 0; k < 5; k += 1) threads.push((await tagBytes(p, answer, 'image/png'))[0]!.name);
    // Two images a thread: a, a, b, b, c.
    expect(new Set(threads).size).toBe(3);
    expect(threads[0]).toBe(threads[1]);
    expect(threads[1]).not.toBe(threads[2]);
    expect(threads[2]).toBe(threads[3]);
    expect(p.stats()).toMatchObject({ retired: 2, crashes: 0 });
    // Retiring while others wait: all answered.
    const many = await Promise.all([1, 2, 3, 4, 5].map(() => tagBytes(p, answer, 'image/png')));
    expect(many).toHaveLength(5);
    expect(p.stats()).toMatchObject({ crashes: 0 });
  });

  it('when created, then no thread runs until the first image', async () => {
    const p = pool(2);
    expect(p.stats()).toMatchObject({ threads: 0, busy: 0, queued: 0 });
    const tags = await tagBytes(p, await image('answer'), 'image/png');
    expect(tags).toEqual([{ name: expect.stringMatching(/^thread \d+$/), confidence: 0.006 }]);
    expect(p.stats().threads).toBe(1);
  });

  it('when more images arrive than threads, then at most size threads start and all are answered', async () => {
    const p = pool(2);
    const slow = await image('slow');
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => tagBytes(p, slow, 'image/png')));
    expect(p.stats()).toMatchObject({ threads: 2, busy: 0, queued: 0 });
    expect(new Set(results.map((tags) => tags[0]!.name)).size).toBe(2);
  });

  it('when the thread throws, then the error keeps its class and message across the boundary', async () => {
    const p = pool(1);
    await expect(tagBytes(p, await image('unprocessable'))).rejects.toThrow(
      new UnprocessableImageError('The pixels make no sense.'),
    );
    await expect(tagBytes(p, await image('transient'))).rejects.toThrow(
      new TransientError('The model is out for lunch.'),
    );
    const bug: unknown = await tagBytes(p, await image('bug')).catch((e: unknown) => e);
    expect(bug).not.toBeInstanceOf(TransientError);
    expect(bug).not.toBeInstanceOf(UnprocessableImageError);
    expect((bug as Error).message).toBe('undefined is not a function');
    expect(p.stats()).toMatchObject({ threads: 1, crashes: 0 });
  });

  it('when bytes are not an image, then it is refused before any thread starts', async () => {
    const p = pool(1);
    await expect(tagBytes(p, Buffer.from('not a photo'), 'image/png')).rejects.toBeInstanceOf(
      UnprocessableImageError,
    );
    expect(p.stats().threads).toBe(0);
  });

  it('when a thread exits mid-image, then that image fails as transient and a new thread takes the next', async () => {
    const p = pool(1);
    const first = await tagBytes(p, await image('answer'));
    const crashed: unknown = await tagBytes(p, await image('exit')).catch((e: unknown) => e);
    expect(crashed).toBeInstanceOf(TransientError);
    expect((crashed as Error).message).toMatch(/thread stopped .*exit code 3/);
    const after = await tagBytes(p, await image('answer'));
    expect(after[0]!.name).not.toBe(first[0]!.name); // another thread
    expect(p.stats()).toMatchObject({ threads: 1, crashes: 1 });
  });

  it('when a thread dies of an uncaught exception, then its image fails as transient and the queue goes on', async () => {
    const p = pool(1);
    // Decoded first, so they reach the pool in this order (sharp may finish them in either).
    const uncaught = await imageToTag(await image('uncaught'));
    const answer = await imageToTag(await image('answer'));
    const [dead, next] = await Promise.allSettled([p.tag(uncaught), p.tag(answer)]);
    expect(dead.status === 'rejected' && dead.reason).toBeInstanceOf(TransientError);
    expect(dead.status === 'rejected' && (dead.reason as Error).message).toMatch(
      /a callback blew up/,
    );
    expect(next.status).toBe('fulfilled');
    expect(p.stats()).toMatchObject({ threads: 1, crashes: 1 });
  });

  it('when closed, then every thread has exited and waiting images fail as transient', async () => {
    await sharp(await image('answer')).toBuffer(); // sharp's own threads exist before the baseline
    const before = osThreads();
    const p = pool(2);
    const slow = await image('slow');
    const jobs = [1, 2, 3].map(() => tagBytes(p, slow).catch((e: unknown) => e));
    await expect.poll(() => p.stats().busy).toBe(2);
    expect(osThreads()).toBeGreaterThanOrEqual(before + 2);

    await p.close();
    const outcomes = await Promise.all(jobs);
    expect(outcomes.every((o) => o instanceof TransientError)).toBe(true);
    expect(p.stats()).toMatchObject({ threads: 0, busy: 0, queued: 0, crashes: 0 });
    // An exited worker's OS thread can outlive its 'exit' event by a moment on a loaded machine.
    await expect.poll(osThreads, { timeout: 5_000 }).toBe(before);
  });
});
