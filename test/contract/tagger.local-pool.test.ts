// The local model on worker threads: the same contract as in-process, and the very same labels.
import { afterAll, describe, expect, it } from 'vitest';
import { LocalModelTagger } from '../../src/tagging/local-model.js';
import { LocalModelPool } from '../../src/tagging/local-model-pool.js';
import { fixture, taggerContract } from './tagger.contract.js';

taggerContract('local model on 2 threads', async () => ({
  tagger: new LocalModelPool({ size: 2 }),
}));

describe('LocalModelPool with the real model', () => {
  const pool = new LocalModelPool({ size: 2 });
  const inProcess = new LocalModelTagger();

  afterAll(async () => {
    await Promise.all([pool.close(), inProcess.close()]);
  });

  it('when the fixtures are tagged at once on 2 threads, then each gets exactly the labels of the in-process model', async () => {
    const files = ['astronaut.png', 'boat.jpg', 'bus.jpg', 'car.jpg', 'squirrel.webp'];
    const photos = await Promise.all(files.map((file) => fixture(file)));
    const threaded = await Promise.all(photos.map((photo) => pool.tag(photo, '')));
    expect(pool.stats()).toMatchObject({ threads: 2, crashes: 0 });
    for (const [i, photo] of photos.entries()) {
      expect(threaded[i], files[i]).toEqual(await inProcess.tag(photo, ''));
    }
  });

  it('when closed, then no thread is left, and the next image starts one again', async () => {
    await pool.close();
    expect(pool.stats().threads).toBe(0);
    const tags = await pool.tag(await fixture('bus.jpg'), 'image/jpeg');
    expect(tags.map((t) => t.name)).toContain('bus');
    expect(pool.stats().threads).toBe(1);
  });
});
