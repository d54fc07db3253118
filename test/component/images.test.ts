// The image workflows over HTTP with the real local model, real files and the real worker.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreatedImage, Image, ImagePage, TagCounts } from '../../src/http/schemas.js';
import { eventually } from '../support/eventually.js';
import { fixture, pathOf, putSigned, startTestApp, type TestApp } from '../support/local-app.js';

describe('images, tagging and tags', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('when a photo of a person is uploaded, then it ends tagged "person" and the tag is counted', async () => {
    const { token, auth } = await app.newUser();
    const bytes = fixture('astronaut.png');
    const created = await app.http
      .post('/images')
      .set(auth)
      .send({ contentType: 'image/png', size: bytes.length, filename: 'astronaut.png' })
      .expect(201);
    CreatedImage.parse(created.body);
    expect(created.body.image).toMatchObject({
      status: 'pending',
      tags: [],
      filename: 'astronaut.png',
      size: bytes.length,
    });
    expect(created.body.upload).toMatchObject({
      method: 'PUT',
      headers: { 'Content-Type': 'image/png' },
    });
    expect(created.headers.location).toBe(`/images/${created.body.image.id}`);

    await putSigned(app.http, created.body.upload, bytes).expect(200);
    const image = await app.settled(token, created.body.image.id);
    Image.parse(image);
    expect(image.status).toBe('tagged');
    const tags = image.tags as Array<{ name: string; confidence: number }>;
    expect(tags.map((t) => t.name)).toContain('person');
    for (const tag of tags) expect(tag.confidence).toBeGreaterThanOrEqual(0.4); // the local default cut-off
    expect(image.taggedAt).toBeDefined();

    const counts = await app.http.get('/tags').set(auth).expect(200);
    TagCounts.parse(counts.body);
    expect(counts.body.items).toContainEqual({ name: 'person', count: 1 });

    // The download URL serves the same bytes as an image.
    const download = await app.http.get(pathOf(image.url as string)).expect(200);
    expect(download.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(download.body as Buffer, bytes)).toBe(0);
    // The thumbnail URL serves a small WebP of it.
    const thumbnail = await app.http.get(pathOf(image.thumbnailUrl as string)).expect(200);
    expect(thumbnail.headers['content-type']).toBe('image/webp');
    expect((thumbnail.body as Buffer).length).toBeLessThan(bytes.length);
  });

  it('when the model locates an object, then its tag carries a box in the listing and the image, and a broader word none', async () => {
    const { token, auth } = await app.newUser();
    const id = await app.upload(token, fixture('bus.jpg'), 'image/jpeg');
    await app.settled(token, id);
    const listed = await app.http.get('/images?tags=bus').set(auth).expect(200);
    const one = await app.http.get(`/images/${id}`).set(auth).expect(200);
    for (const image of [ImagePage.parse(listed.body).items[0]!, Image.parse(one.body)]) {
      const tag = (name: string) => image.tags.find((t) => t.name === name)!;
      // The bus crosses the photo from side to side, in its middle band.
      const { x, y, w, h } = tag('bus').box!;
      expect(x).toBeLessThan(0.1);
      expect(w).toBeGreaterThan(0.75);
      expect(y).toBeGreaterThan(0.1);
      expect(y + h).toBeLessThan(0.9);
      expect(tag('vehicle')).not.toHaveProperty('box');
    }
  });

  it('when a portrait is uploaded, then it is tagged "face" with a box on the face, and "portrait" without one', async () => {
    const { token, auth } = await app.newUser();
    const id = await app.upload(token, fixture('astronaut.png'), 'image/png');
    await app.settled(token, id);
    const image = Image.parse((await app.http.get(`/images/${id}`).set(auth).expect(200)).body);
    const tag = (name: string) => image.tags.find((t) => t.name === name);
    expect(tag('face')).toMatchObject({ source: 'model' });
    // Her face: the upper middle of the photo, about a fifth of its height.
    const { x, y, w, h } = tag('face')!.box!;
    expect(x + w / 2).toBeGreaterThan(0.35);
    expect(x + w / 2).toBeLessThan(0.55);
    expect(y + h / 2).toBeLessThan(0.35);
    expect(h).toBeGreaterThan(0.1);
    expect(tag('portrait')).toBeDefined();
    expect(tag('portrait')).not.toHaveProperty('box');
    expect(tag('group')).toBeUndefined();
    const found = await app.http.get('/images?tags=portrait,face').set(auth).expect(200);
    expect(found.body.items.map((i: { id: string }) => i.id)).toEqual([id]);
  });

  it('when images carry different tags, then one tag and the AND of two find the right ones', async () => {
    const { token, auth } = await app.newUser();
    const astronaut = await app.upload(token, fixture('astronaut.png'), 'image/png');
    const bus = await app.upload(token, fixture('bus.jpg'), 'image/jpeg');
    await app.settled(token, astronaut);
    const busImage = await app.settled(token, bus);
    const busTags = (busImage.tags as Array<{ name: string }>).map((t) => t.name);
    expect(busTags).toEqual(expect.arrayContaining(['bus', 'person']));

    const people = await app.http.get('/images?tags=person').set(auth).expect(200);
    ImagePage.parse(people.body);
    expect(people.body.items.map((i: { id: string }) => i.id)).toEqual([bus, astronaut]);

    const both = await app.http.get('/images?tags=person,bus').set(auth).expect(200);
    expect(both.body.items.map((i: { id: string }) => i.id)).toEqual([bus]);
    const repeated = await app.http.get('/images?tag=bus&tag=PERSON').set(auth).expect(200);
    expect(repeated.body.items.map((i: { id: string }) => i.id)).toEqual([bus]);

    const byPath = await app.http.get('/tags/bus/images').set(auth).expect(200);
    expect(byPath.body.items.map((i: { id: string }) => i.id)).toEqual([bus]);
    const none = await app.http.get('/images?tags=bus,giraffe').set(auth).expect(200);
    expect(none.body).toEqual({ items: [], nextCursor: null });

    const counts = await app.http.get('/tags').set(auth).expect(200);
    // Most used first, ties by name: person and its broader word, people.
    expect(counts.body.items.slice(0, 2)).toEqual([
      { name: 'people', count: 2 },
      { name: 'person', count: 2 },
    ]);
    expect(counts.body.items).toContainEqual({ name: 'bus', count: 1 });
    expect(counts.body.items).toContainEqual({ name: 'vehicle', count: 1 });
  });

  it('when a text file is uploaded as image/png, then it ends failed with a clear error', async () => {
    const { token } = await app.newUser();
    const id = await app.upload(
      token,
      Buffer.from('hello, I am not a picture\n'.repeat(20)),
      'image/png',
    );
    const image = await app.settled(token, id);
    expect(image.status).toBe('failed');
    expect(image.error).toMatch(/not a JPEG, PNG, WebP or GIF image/);
    expect(image.tags).toEqual([]);
  });

  it('when a JPEG is uploaded as image/png, then it ends failed saying what it really is', async () => {
    const { token } = await app.newUser();
    const id = await app.upload(token, fixture('car.jpg'), 'image/png');
    const image = await app.settled(token, id);
    expect(image.status).toBe('failed');
    expect(image.error).toMatch(/JPEG/);
  });

  it('when the same upload is processed twice, then the image has one set of tags', async () => {
    const { token, auth } = await app.newUser();
    const bytes = fixture('astronaut.png');
    const created = await app.http
      .post('/images')
      .set(auth)
      .send({ contentType: 'image/png', size: bytes.length })
      .expect(201);
    await putSigned(app.http, created.body.upload, bytes).expect(200);
    const first = await app.settled(token, created.body.image.id);
    // The same PUT delivered again queues the object a second time.
    await putSigned(app.http, created.body.upload, bytes).expect(200);
    await app.runtime.worker.idle();
    const again = await app.http.get(`/images/${created.body.image.id}`).set(auth).expect(200);
    expect(again.body.tags).toEqual(first.tags);
    expect(again.body.taggedAt).toBe(first.taggedAt);
    const counts = await app.http.get('/tags').set(auth).expect(200);
    expect(counts.body.items).toContainEqual({ name: 'person', count: 1 });
  });

  it('when an image is retagged, then it goes back to pending and ends tagged again', async () => {
    const { token, auth } = await app.newUser();
    const id = await app.upload(token, fixture('astronaut.png'), 'image/png');
    const first = await app.settled(token, id);
    const retag = await app.http.post(`/images/${id}/retag`).set(auth).expect(202);
    expect(retag.body).toMatchObject({ id, status: 'pending', tags: [] });
    const again = await app.settled(token, id);
    expect(again.status).toBe('tagged');
    expect(again.tags).toEqual(first.tags);
    expect(Date.parse(again.taggedAt as string)).toBeGreaterThanOrEqual(
      Date.parse(first.taggedAt as string),
    );
  });

  it('when an image is deleted, then its file, its index entry and its tags are gone', async () => {
    const { token, auth } = await app.newUser();
    const id = await app.upload(token, fixture('astronaut.png'), 'image/png');
    const image = await app.settled(token, id);
    const file = join(
      app.dataDir,
      'blobs',
      'u',
      JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub,
      id,
    );
    expect(existsSync(file)).toBe(true);

    await app.http.delete(`/images/${id}`).set(auth).expect(204);
    await app.http.get(`/images/${id}`).set(auth).expect(404);
    expect(existsSync(file)).toBe(false);
    await app.http.get(pathOf(image.url as string)).expect(404);
    await app.http.get(pathOf(image.thumbnailUrl as string)).expect(404);
    const list = await app.http.get('/images').set(auth).expect(200);
    expect(list.body.items).toEqual([]);
    const counts = await app.http.get('/tags').set(auth).expect(200);
    expect(counts.body.items).toEqual([]);
    await app.http.delete(`/images/${id}`).set(auth).expect(404);
  });

  it('when an image is deleted before its upload is processed, then its queued job goes too', async () => {
    const { auth } = await app.newUser();
    const created = await app.http
      .post('/images')
      .set(auth)
      .send({ contentType: 'image/png', size: 10 })
      .expect(201);
    const jobs = app.runtime.adapters.localQueue!.jobs;
    const before = jobs.size();
    await app.http.delete(`/images/${created.body.image.id}`).set(auth).expect(204);
    expect(jobs.size()).toBe(before - 1);
  });

  it('when GET /images has no tags, then pending and failed images are listed too, newest first', async () => {
    const { token, auth } = await app.newUser();
    const failed = await app.upload(token, Buffer.from('not an image at all'), 'image/gif');
    await app.settled(token, failed);
    const pending = await app.http
      .post('/images')
      .set(auth)
      .send({ contentType: 'image/webp', size: 1000 })
      .expect(201);
    const list = await app.http.get('/images').set(auth).expect(200);
    expect(list.body.items.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([
      [pending.body.image.id, 'pending'],
      [failed, 'failed'],
    ]);
    const tagged = await app.http.get('/images?tags=person').set(auth).expect(200);
    expect(tagged.body.items).toEqual([]);
  });

  it('when images are many, then pages of the listing visit each exactly once, newest first', async () => {
    const { auth } = await app.newUser();
    const ids: string[] = [];
    for (let i = 0; i < 23; i += 1) {
      const res = await app.http
        .post('/images')
        .set(auth)
        .send({ contentType: 'image/jpeg', size: 100 + i })
        .expect(201);
      ids.push(res.body.image.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { items: Array<{ id: string }>; nextCursor: string | null } } =
        await app.http
          .get('/images')
          .query({ limit: 10, ...(cursor ? { cursor } : {}) })
          .set(auth)
          .expect(200);
      seen.push(...res.body.items.map((i) => i.id));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('when another user asks for, retags or deletes my image, then 404 and nothing of mine leaks', async () => {
    const a = await app.newUser();
    const b = await app.newUser();
    const id = await app.upload(a.token, fixture('astronaut.png'), 'image/png');
    await app.settled(a.token, id);

    await app.http.get(`/images/${id}`).set(b.auth).expect(404);
    const unknown = await app.http
      .get('/images/00000000-0000-4000-8000-000000000000')
      .set(b.auth)
      .expect(404);
    const theirs = await app.http.get(`/images/${id}`).set(b.auth).expect(404);
    expect(theirs.body).toEqual(unknown.body);
    await app.http.post(`/images/${id}/retag`).set(b.auth).expect(404);
    await app.http.delete(`/images/${id}`).set(b.auth).expect(404);

    expect((await app.http.get('/tags').set(b.auth).expect(200)).body.items).toEqual([]);
    expect((await app.http.get('/images').set(b.auth).expect(200)).body.items).toEqual([]);
    expect((await app.http.get('/images?tags=person').set(b.auth).expect(200)).body.items).toEqual(
      [],
    );
    expect((await app.http.get('/tags/person/images').set(b.auth).expect(200)).body.items).toEqual(
      [],
    );

    // A's image is untouched.
    const mine = await app.http.get(`/images/${id}`).set(a.auth).expect(200);
    expect(mine.body.status).toBe('tagged');
  });

  it('when a cursor from another query or user is replayed, then it only moves within my images', async () => {
    const a = await app.newUser();
    const b = await app.newUser();
    for (let i = 0; i < 3; i += 1) {
      await app.http
        .post('/images')
        .set(a.auth)
        .send({ contentType: 'image/png', size: 5 })
        .expect(201);
    }
    const page = await app.http.get('/images?limit=1').set(a.auth).expect(200);
    const replay = await app.http
      .get('/images')
      .query({ cursor: page.body.nextCursor })
      .set(b.auth)
      .expect(200);
    expect(replay.body.items).toEqual([]);
  });

  it('when images wait for tagging, then the worker keeps them until done (eventually tagged)', async () => {
    const { token, auth } = await app.newUser();
    const ids = await Promise.all(
      ['astronaut.png', 'bus.jpg'].map((name) =>
        app.upload(token, fixture(name), name.endsWith('png') ? 'image/png' : 'image/jpeg'),
      ),
    );
    await eventually(
      async () => {
        const list = await app.http.get('/images').set(auth).expect(200);
        expect(list.body.items.map((i: { status: string }) => i.status)).toEqual([
          'tagged',
          'tagged',
        ]);
      },
      { timeoutMs: 60_000 },
    );
    expect(ids).toHaveLength(2);
  });
});
