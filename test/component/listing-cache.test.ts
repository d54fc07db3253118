// Listings are served from a cache of finished responses (http/listing-cache.ts). Each test asks
// for a listing first, so that a stale cached body is there to be (wrongly) served, then changes
// something and checks that the very next listing, with no polling, shows the change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, pathOf, startTestApp, type TestApp } from '../support/local-app.js';

type Auth = { Authorization: string };
interface Listed {
  id: string;
  status: string;
  tags: { name: string }[];
  error?: string;
  url?: string;
  thumbnailUrl?: string;
}

describe('cached listings', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  /** Every listing that could be cached, as a user would see them now. */
  async function listings(auth: Auth) {
    const get = async (path: string) => (await app.http.get(path).set(auth).expect(200)).body;
    const all = (await get('/images')).items as Listed[];
    const person = (await get('/images?tags=person&limit=20')).items as Listed[];
    const byPath = (await get('/tags/person/images')).items as Listed[];
    const tags = (await get('/tags')).items as { name: string; count: number }[];
    expect(byPath).toEqual(person);
    return { all, person, tags };
  }

  it('when an image is created, then the next listing shows it pending', async () => {
    const { auth } = await app.newUser();
    expect((await listings(auth)).all).toEqual([]);
    const created = await app.http
      .post('/images')
      .set(auth)
      .send({ contentType: 'image/png', size: 10 })
      .expect(201);
    const after = await listings(auth);
    expect(after.all.map((i) => [i.id, i.status])).toEqual([[created.body.image.id, 'pending']]);
    expect(after.person).toEqual([]);
  });

  it('when an upload ends tagged, then the next listing and /tags show its tags', async () => {
    const { token, auth } = await app.newUser();
    const id = await app.upload(token, fixture('astronaut.png'), 'image/png');
    const before = await listings(auth);
    // The worker may be quick; only a listing made while pending shows the cache at work.
    if (before.all[0]?.status === 'pending') {
      expect(before.person).toEqual([]);
      expect(before.tags).toEqual([]);
    }
    await app.settled(token, id);
    const after = await listings(auth);
    expect(after.all.map((i) => [i.id, i.status])).toEqual([[id, 'tagged']]);
    expect(after.all[0]!.thumbnailUrl).toBeDefined();
    expect(after.person.map((i) => i.id)).toEqual([id]);
    expect(after.tags).toContainEqual({ name: 'person', count: 1 });
  });

  it('when an upload ends failed, then the next listing shows it failed with its error', async () => {
    const { token, auth } = await app.newUser();
    const id = await app.upload(token, Buffer.from('not an image at all'), 'image/gif');
    await listings(auth);
    await app.settled(token, id);
    const [image] = (await listings(auth)).all;
    expect(image).toMatchObject({ id, status: 'failed' });
    expect(image!.error).toBeTruthy();
  });

  it('when an image is retagged, then the next listing shows it pending and /tags drops its tags', async () => {
    const { token, auth } = await app.newUser();
    const id = await app.upload(token, fixture('astronaut.png'), 'image/png');
    await app.settled(token, id);
    const before = await listings(auth);
    expect(before.person.map((i) => i.id)).toEqual([id]);
    expect(before.tags).toContainEqual({ name: 'person', count: 1 });

    await app.http.post(`/images/${id}/retag`).set(auth).expect(202);
    const after = await listings(auth);
    // The worker may already have tagged it again; what must never show is the old cached page
    // of a tagged image paired with a pending GET /images/:id.
    const now = (await app.http.get(`/images/${id}`).set(auth).expect(200)).body as Listed;
    if (now.status === 'pending') {
      expect(after.all.map((i) => [i.id, i.status, i.tags])).toEqual([[id, 'pending', []]]);
      expect(after.person).toEqual([]);
      expect(after.tags).toEqual([]);
    }
    await app.settled(token, id);
    expect((await listings(auth)).person.map((i) => i.id)).toEqual([id]);
  });

  it('when an image is deleted, then the next listing and /tags no longer have it', async () => {
    const { token, auth } = await app.newUser();
    const id = await app.upload(token, fixture('astronaut.png'), 'image/png');
    await app.settled(token, id);
    expect((await listings(auth)).all.map((i) => i.id)).toEqual([id]);
    await app.http.delete(`/images/${id}`).set(auth).expect(204);
    expect(await listings(auth)).toEqual({ all: [], person: [], tags: [] });
  });

  it('when two users ask for the same listings, then each sees only their own, every time', async () => {
    const alice = await app.newUser();
    const bob = await app.newUser();
    const id = await app.upload(alice.token, fixture('astronaut.png'), 'image/png');
    await app.settled(alice.token, id);
    for (let round = 0; round < 2; round++) {
      const mine = await listings(alice.auth);
      expect(mine.all.map((i) => i.id)).toEqual([id]);
      expect(mine.person.map((i) => i.id)).toEqual([id]);
      expect(await listings(bob.auth)).toEqual({ all: [], person: [], tags: [] });
    }
    // And the other way round, once Bob has an image of his own.
    const bobs = await app.upload(bob.token, fixture('astronaut.png'), 'image/png');
    await app.settled(bob.token, bobs);
    expect((await listings(bob.auth)).person.map((i) => i.id)).toEqual([bobs]);
    expect((await listings(alice.auth)).person.map((i) => i.id)).toEqual([id]);
  });

  it('when a listing is served again, then it is the same page and its URLs still serve the image', async () => {
    const { token, auth } = await app.newUser();
    const bytes = fixture('astronaut.png');
    const id = await app.upload(token, bytes, 'image/png');
    await app.settled(token, id);
    const first = await app.http.get('/images?tags=person').set(auth).expect(200);
    const again = await app.http.get('/images?tags=person').set(auth).expect(200);
    expect(again.text).toBe(first.text);
    expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
    const [image] = again.body.items as Listed[];
    const download = await app.http.get(pathOf(image!.url!)).expect(200);
    expect(Buffer.compare(download.body as Buffer, bytes)).toBe(0);
    await app.http.get(pathOf(image!.thumbnailUrl!)).expect(200);
  });

  it('when a listing is asked for with Cache-Control: no-cache, then it is made again, the same page', async () => {
    const { token, auth } = await app.newUser();
    const id = await app.upload(token, fixture('astronaut.png'), 'image/png');
    await app.settled(token, id);
    for (const path of ['/images?tags=person', '/tags']) {
      const cached = await app.http.get(path).set(auth).expect(200);
      const fresh = await app.http.get(path).set(auth).set('Cache-Control', 'no-cache').expect(200);
      expect(fresh.text).toBe(cached.text);
      expect(fresh.headers['content-type']).toBe('application/json; charset=utf-8');
      expect((await app.http.get(path).set(auth).expect(200)).text).toBe(cached.text);
    }
    // Another user's fresh listing is still only theirs.
    const other = await app.newUser();
    const theirs = await app.http
      .get('/images?tags=person')
      .set(other.auth)
      .set('Cache-Control', 'no-cache')
      .expect(200);
    expect(theirs.body.items).toEqual([]);
  });
});
