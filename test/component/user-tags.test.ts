// A person's tags over HTTP (contract v2): PUT/DELETE /images/:id/tags/:tag, POST /images/tags,
// PATCH/DELETE /tags/:tag, GET /tags?prefix=, against the real local app with each catalog (SQLite
// for real; OpenSearch against its in-memory fake, whose requests
// test/contract/image-catalog.opensearch.test.ts asserts). Images are written straight into the
// catalog so each starts in the state a test needs; the retag test uploads a real photo.
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageStatus } from '../../src/domain/image.js';
import { imageRecord, ownerOf } from '../support/image-records.js';
import { fixture, startTestApp, type TestApp } from '../support/local-app.js';
import { startOpenSearchFake, type OpenSearchFake } from '../support/opensearch-fake.js';

type Auth = { Authorization: string };
interface Body {
  id: string;
  status: ImageStatus;
  tags: { name: string; confidence: number; source: string }[];
}

describe.each(['sqlite', 'opensearch'] as const)('tags a person edits (INDEX=%s)', (index) => {
  let app: TestApp;
  let fake: OpenSearchFake | undefined;
  let user: { token: string; auth: Auth; owner: string };
  let second = 0;

  beforeAll(async () => {
    fake = index === 'opensearch' ? await startOpenSearchFake() : undefined;
    app = await startTestApp(fake ? { INDEX: 'opensearch', OPENSEARCH_URL: fake.url } : {});
    user = await signedIn();
  });
  afterAll(async () => {
    await app.close();
    await fake?.close();
  });

  async function signedIn() {
    const { token, auth } = await app.newUser();
    return { token, auth, owner: ownerOf(token) };
  }

  /** An image of `owner` with the model's tags `names` (status tagged unless said). */
  async function seed(owner: string, names: string[], status: ImageStatus = 'tagged') {
    second += 1;
    const image = imageRecord(owner, second, status, names);
    await app.runtime.adapters.catalog.insert(image);
    return image.id;
  }

  const get = async (id: string, auth = user.auth) =>
    (await app.http.get(`/images/${id}`).set(auth).expect(200)).body as Body;
  const tagsOf = (body: Body) => body.tags.map((t) => `${t.name}:${t.source}`);
  const counts = async (query: string, auth = user.auth) =>
    (await app.http.get(`/tags${query}`).set(auth).expect(200)).body.items as {
      name: string;
      count: number;
    }[];

  it('when a tag is PUT, then it is the user’s with confidence 1, a model tag turns into it, and a second PUT changes nothing', async () => {
    const id = await seed(user.owner, ['dog', 'person']);
    const put = await app.http.put(`/images/${id}/tags/Good%20Boy`).set(user.auth).expect(200);
    expect(put.body.tags).toContainEqual({ name: 'good boy', confidence: 1, source: 'user' });
    const dog = await app.http.put(`/images/${id}/tags/dog`).set(user.auth).expect(200);
    expect(tagsOf(dog.body)).toEqual(['dog:user', 'good boy:user', 'person:model']);
    const again = await app.http.put(`/images/${id}/tags/dog`).set(user.auth).expect(200);
    expect(again.body).toEqual(dog.body);
    expect(await get(id)).toMatchObject({ tags: dog.body.tags });
  });

  it('when a tag is DELETEd, then it is gone, twice is the same, and GET /tags counts follow', async () => {
    const other = await signedIn();
    const id = await seed(other.owner, ['cat', 'bed']);
    expect(await app.http.get('/tags').set(other.auth).expect(200)).toHaveProperty('body.items', [
      { name: 'bed', count: 1 },
      { name: 'cat', count: 1 },
    ]);
    const res = await app.http.delete(`/images/${id}/tags/cat`).set(other.auth).expect(200);
    expect(tagsOf(res.body)).toEqual(['bed:model']);
    await app.http.delete(`/images/${id}/tags/cat`).set(other.auth).expect(200);
    await app.http.delete(`/images/${id}/tags/never-there`).set(other.auth).expect(200);
    expect((await app.http.get('/tags').set(other.auth).expect(200)).body.items).toEqual([
      { name: 'bed', count: 1 },
    ]);
  });

  it('when the image is someone else’s or the name breaks the rule, then 404 or 400 and nothing changes', async () => {
    const theirs = await seed((await signedIn()).owner, ['cat']);
    await app.http.put(`/images/${theirs}/tags/mine`).set(user.auth).expect(404);
    await app.http.delete(`/images/${theirs}/tags/cat`).set(user.auth).expect(404);
    const id = await seed(user.owner, ['cat']);
    for (const bad of ['x'.repeat(65), '%E2%80%AEgpj', 'a%07b', '%20%20']) {
      const res = await app.http.put(`/images/${id}/tags/${bad}`).set(user.auth).expect(400);
      expect(res.body.errors[0].path).toBe('tag');
    }
    expect(tagsOf(await get(id))).toEqual(['cat:model']);
    await app.http
      .put(`/images/${id}/tags/${'é'.repeat(64)}`)
      .set(user.auth)
      .expect(200);
    await app.http.get(`/images/${id}/tags/cat`).set(user.auth).expect(405);
  });

  it('when a user tag is on a pending image, then tag searches find it whatever the status', async () => {
    const id = await seed(user.owner, [], 'pending');
    await app.http.put(`/images/${id}/tags/unsorted`).set(user.auth).expect(200);
    const found = await app.http.get('/images?tags=unsorted').set(user.auth).expect(200);
    expect(found.body.items.map((i: Body) => i.id)).toEqual([id]);
    const pending = await app.http.get('/images?tags=unsorted&status=pending').set(user.auth);
    expect(pending.body.items.map((i: Body) => i.id)).toEqual([id]);
    const tagged = await app.http.get('/images?tags=unsorted&status=tagged').set(user.auth);
    expect(tagged.body.items).toEqual([]);
  });

  it('when a bulk edit names only the caller’s images, then every one changes, in the order given', async () => {
    const ids = [await seed(user.owner, ['car']), await seed(user.owner, ['car', 'bus'])];
    const res = await app.http
      .post('/images/tags')
      .set(user.auth)
      .send({ ids: [ids[1], ids[0]], add: ['Road Trip'], remove: ['car'] })
      .expect(200);
    expect(res.body.items.map((i: Body) => i.id)).toEqual([ids[1], ids[0]]);
    expect(res.body.items.map(tagsOf)).toEqual([
      ['road trip:user', 'bus:model'],
      ['road trip:user'],
    ]);
    expect(tagsOf(await get(ids[0]!))).toEqual(['road trip:user']);
  });

  it('when a bulk edit names one image that is not the caller’s, then 404 and no image changed', async () => {
    const mine = [await seed(user.owner, ['car']), await seed(user.owner, ['dog'])];
    const foreign = await seed((await signedIn()).owner, ['car']);
    const before = await Promise.all(mine.map((id) => get(id)));
    for (const ids of [
      [...mine, foreign],
      [mine[0], randomUUID()],
    ]) {
      await app.http
        .post('/images/tags')
        .set(user.auth)
        .send({ ids, add: ['keep'], remove: ['car', 'dog'] })
        .expect(404);
    }
    expect(await Promise.all(mine.map((id) => get(id)))).toEqual(before);
  });

  it('when a bulk edit is malformed, then a 400 naming the field', async () => {
    const id = await seed(user.owner, ['car']);
    const cases: [object, string][] = [
      [{ ids: [], add: ['x'] }, 'ids'],
      [{ ids: Array.from({ length: 101 }, () => randomUUID()), add: ['x'] }, 'ids'],
      [{ ids: [id] }, 'add'],
      [{ ids: [id], add: ['x'.repeat(65)] }, 'add'],
      [{ ids: [id], add: ['ok'], colour: 'red' }, 'colour'],
      [{ ids: ['not-an-id'], add: ['x'] }, 'ids'],
    ];
    for (const [body, field] of cases) {
      const res = await app.http.post('/images/tags').set(user.auth).send(body).expect(400);
      expect(res.body.errors.map((e: { path: string }) => e.path.split('.')[0])).toContain(field);
    }
    await app.http.post('/images/tags').set(user.auth).type('form').send('ids=1').expect(415);
  });

  it('when a tag is renamed, then every image carries the new name, a rename into an existing one merges, and an unknown tag is a 404', async () => {
    const me = await signedIn();
    const a = await seed(me.owner, ['puppy']);
    const b = await seed(me.owner, ['puppy', 'dog']);
    const c = await seed(me.owner, ['dog']);
    const res = await app.http.patch('/tags/puppy').set(me.auth).send({ name: 'Dog' }).expect(200);
    expect(res.body).toEqual({ name: 'dog', count: 3 });
    for (const id of [a, b, c]) {
      expect((await get(id, me.auth)).tags.map((t) => t.name)).toEqual(['dog']);
    }
    expect((await app.http.get('/tags').set(me.auth)).body.items).toEqual([
      { name: 'dog', count: 3 },
    ]);
    await app.http.patch('/tags/puppy').set(me.auth).send({ name: 'dog' }).expect(404);
    await app.http.patch('/tags/dog').set(me.auth).send({ name: '' }).expect(400);
  });

  it('when a tag is deleted everywhere, then no image has it, and the answer is 204 even when none had it', async () => {
    const me = await signedIn();
    const ids = [await seed(me.owner, ['blurry', 'cat']), await seed(me.owner, ['blurry'])];
    await app.http.delete('/tags/blurry').set(me.auth).expect(204);
    expect((await get(ids[0]!, me.auth)).tags.map((t) => t.name)).toEqual(['cat']);
    expect((await get(ids[1]!, me.auth)).tags).toEqual([]);
    await app.http.delete('/tags/blurry').set(me.auth).expect(204);
    const found = await app.http.get('/images?tags=blurry').set(me.auth).expect(200);
    expect(found.body.items).toEqual([]);
  });

  it('when tags are asked with a prefix, then only names starting with it, most used first', async () => {
    const me = await signedIn();
    await seed(me.owner, ['cat', 'car']);
    await seed(me.owner, ['car', 'dog']);
    const id = await seed(me.owner, []);
    await app.http.put(`/images/${id}/tags/Cathedral`).set(me.auth).expect(200);
    const get = async (q: string) =>
      (await app.http.get(`/tags${q}`).set(me.auth).expect(200)).body.items;
    expect(await get('?prefix=CA')).toEqual([
      { name: 'car', count: 2 },
      { name: 'cat', count: 1 },
      { name: 'cathedral', count: 1 },
    ]);
    expect(await get('?prefix=cat&limit=1')).toEqual([{ name: 'cat', count: 1 }]);
    expect(await get('?prefix=x')).toEqual([]);
    expect(await get('?prefix=')).toHaveLength(4);
  });

  it('when a photo is retagged, then a removed model tag stays removed and the user’s tags stay', async () => {
    const me = await signedIn();
    const id = await app.upload(me.token, fixture('bus.jpg'), 'image/jpeg', 'bus.jpg');
    const first = (await app.settled(me.token, id)) as unknown as Body;
    const { width, height } = await sharp(fixture('bus.jpg')).metadata();
    expect(first).toMatchObject({ width, height });
    const model = first.tags.map((t) => t.name);
    expect(model.length).toBeGreaterThan(1);
    const [vetoed] = model;
    await app.http.delete(`/images/${id}/tags/${encodeURIComponent(vetoed!)}`).set(me.auth);
    await app.http.put(`/images/${id}/tags/holiday`).set(me.auth).expect(200);
    const pending = await app.http.post(`/images/${id}/retag`).set(me.auth).expect(202);
    expect(tagsOf(pending.body)).toEqual(['holiday:user']);
    await app.settled(me.token, id);
    const after = await get(id, me.auth);
    expect(after.status).toBe('tagged');
    const names = after.tags.map((t) => t.name);
    expect(names).not.toContain(vetoed);
    expect(after.tags).toContainEqual({ name: 'holiday', confidence: 1, source: 'user' });
    expect(names.sort()).toEqual([...model.slice(1), 'holiday'].sort());
    expect(await counts('?prefix=holi', me.auth)).toEqual([{ name: 'holiday', count: 1 }]);
  }, 60_000);
});
