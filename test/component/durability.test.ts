// Jobs survive restarts and tagger outages: no image stays pending for ever.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TransientError } from '../../src/domain/errors.js';
import { TAGGER_UNAVAILABLE } from '../../src/images/process-upload.js';
import type { Tagger } from '../../src/tagging/tagger.js';
import { fixture, putSigned, startTestApp, type TestApp } from '../support/local-app.js';

/** A tagger that is down for the first `outages` calls, then is the real one. */
function flaky(outages: number) {
  let calls = 0;
  const wrap = (real: () => Promise<Tagger>) => async (): Promise<Tagger> => {
    const tagger = await real();
    return {
      name: 'flaky',
      defaultMinConfidence: tagger.defaultMinConfidence,
      async tag(image) {
        calls += 1;
        if (calls <= outages) throw new TransientError('recognition service unavailable');
        return tagger.tag(image);
      },
    };
  };
  return { wrap, calls: () => calls };
}

describe('durable processing', () => {
  const dirs: string[] = [];
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });

  it('when the app stops with a job unfinished, then a new instance on the same DATA_DIR completes it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pixtag-restart-'));
    dirs.push(dataDir);
    const first = await startTestApp({}, { dataDir, keepDataDir: true });
    const { token, auth } = await first.newUser();
    // The worker is stopped, so the upload is stored and queued but never processed…
    await first.runtime.worker.stop();
    const bytes = fixture('astronaut.png');
    const created = await first.http
      .post('/images')
      .set(auth)
      .send({ contentType: 'image/png', size: bytes.length })
      .expect(201);
    await putSigned(first.http, created.body.upload, bytes).expect(200);
    // …and, as a crash would leave it, claimed by the dead worker.
    expect(
      first.runtime.adapters.localQueue!.jobs.claimNext(Date.now(), 60 * 60_000)?.key,
    ).toContain(created.body.image.id);
    await first.close();

    const second = await startTestApp({}, { dataDir, keepDataDir: true });
    apps.push(second);
    const image = await second.settled(token, created.body.image.id);
    expect(image.status).toBe('tagged');
    expect((image.tags as Array<{ name: string }>).map((t) => t.name)).toContain('person');
  });

  it('when the tagger is down for a while, then the job is retried with back-off and ends tagged', async () => {
    const outage = flaky(2);
    const app = await startTestApp(
      {},
      { tagger: outage.wrap, worker: { baseDelayMs: 10, maxDelayMs: 50, maxAttempts: 5 } },
    );
    apps.push(app);
    const { token } = await app.newUser();
    const id = await app.upload(token, fixture('astronaut.png'), 'image/png');
    const image = await app.settled(token, id);
    expect(image.status).toBe('tagged');
    expect(outage.calls()).toBe(3);
  });

  it('when the tagger stays down, then the image ends failed once the retries are spent', async () => {
    const outage = flaky(Number.POSITIVE_INFINITY);
    const app = await startTestApp(
      {},
      { tagger: outage.wrap, worker: { baseDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 } },
    );
    apps.push(app);
    const { token } = await app.newUser();
    const id = await app.upload(token, fixture('astronaut.png'), 'image/png');
    const image = await app.settled(token, id);
    expect(image.status).toBe('failed');
    expect(image.error).toBe(TAGGER_UNAVAILABLE);
    expect(outage.calls()).toBe(3);
    expect(app.runtime.adapters.localQueue!.jobs.size()).toBe(0);
  });
});
