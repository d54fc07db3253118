// DELETE racing the rest of an image's life, as the load benchmark (bench/load.ts) drives it:
// many users deleting their own images while uploads are in flight and being tagged.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, putSigned, startTestApp, type TestApp } from '../support/local-app.js';

describe('deletes racing uploads', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const blobFile = (uploadUrl: string) =>
    join(app.dataDir, 'blobs', ...new URL(uploadUrl).pathname.split('/').slice(2));

  it('when the PUT arrives after the image was deleted, then its bytes are not kept', async () => {
    const { auth } = await app.newUser();
    const bytes = fixture('car.jpg');
    const created = await app.http
      .post('/images')
      .set(auth)
      .send({ contentType: 'image/jpeg', size: bytes.length })
      .expect(201);
    await app.http.delete(`/images/${created.body.image.id}`).set(auth).expect(204);
    // The signed URL is still valid: the store cannot tell the image is gone.
    await putSigned(app.http, created.body.upload, bytes).expect(200);
    await app.runtime.worker.idle();

    expect(existsSync(blobFile(created.body.upload.url))).toBe(false);
    await app.http.get(`/images/${created.body.image.id}`).set(auth).expect(404);
  });
});
