// GET /images and GET /tags/:tag/images with the search filters of contract v2 (tags, anyTags,
// notTags, status, untagged, order, with paging), over HTTP against the real local app: every
// parameter, every 400 naming its parameter, contradictions, cursors bound to their listing.
// The images are written straight into the app's catalog, so each has the state a test needs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageStatus } from '../../src/domain/image.js';
import { imageRecord, ownerOf } from '../support/image-records.js';
import { startTestApp, type TestApp } from '../support/local-app.js';
import { startOpenSearchFake, type OpenSearchFake } from '../support/opensearch-fake.js';

type Auth = { Authorization: string };
interface Seeded {
  id: string;
  status: ImageStatus;
  names: string[];
  second: number;
}

/** status and tags of 12 images, one a second, oldest first. */
const PLAN: [ImageStatus, string[]][] = [
  ['tagged', ['person', 'car']],
  ['tagged', []],
  ['pending', []],
  ['tagged', ['dog']],
  ['failed', []],
  ['tagged', ['person']],
  ['tagged', ['car', 'dog']],
  ['tagged', []],
  ['tagged', ['person', 'dog', 'traffic light']],
  ['pending', []],
  ['tagged', ['cat']],
  ['failed', []],
];

describe.each(['sqlite', 'opensearch'] as const)(
  'searching images over HTTP (INDEX=%s)',
  (index) => {
    let app: TestApp;
    let auth: Auth;
    let seeded: Seeded[];
    let fake: OpenSearchFake | undefined;

    beforeAll(async () => {
      // OpenSearch: the adapter against the in-memory fake, its requests asserted in
      // test/contract/image-catalog.opensearch.test.ts.
      fake = index === 'opensearch' ? await startOpenSearchFake() : undefined;
      const env = fake ? { INDEX: 'opensearch', OPENSEARCH_URL: fake.url } : {};
      app = await startTestApp(env);
      const user = await app.newUser();
      auth = user.auth;
      const owner = ownerOf(user.token);
      seeded = [];
      for (const [second, [status, names]] of PLAN.entries()) {
        const image = imageRecord(owner, second, status, names);
        await app.runtime.adapters.catalog.insert(image);
        seeded.push({ id: image.id, status, names, second });
      }
      // Another user's images never show.
      const other = await app.newUser();
      await app.http.post('/images').set(other.auth).send({ contentType: 'image/png', size: 1 });
    });
    afterAll(async () => {
      await app.close();
      await fake?.close();
    });

    const newest = (keep: (image: Seeded) => boolean) =>
      seeded
        .filter(keep)
        .sort((a, b) => b.second - a.second)
        .map((image) => image.id);
    const has = (image: Seeded, name: string) => image.names.includes(name);

    async function ids(path: string): Promise<string[]> {
      const res = await app.http.get(path).set(auth).expect(200);
      return (res.body.items as { id: string }[]).map((item) => item.id);
    }

    /** Every page of `path` by `limit`, following nextCursor. */
    async function pages(path: string, limit: number): Promise<string[]> {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 50; page += 1) {
        const sep = path.includes('?') ? '&' : '?';
        const url: string = `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
        const body = (await app.http.get(url).set(auth).expect(200)).body as {
          items: { id: string }[];
          nextCursor: string | null;
        };
        seen.push(...body.items.map((item) => item.id));
        cursor = body.nextCursor;
        if (cursor === null) return seen;
      }
      throw new Error('paging never ended');
    }

    it('when each filter is given, then exactly its images, newest first', async () => {
      const cases: [string, (image: Seeded) => boolean][] = [
        ['/images', () => true],
        ['/images?tags=person,dog', (i) => has(i, 'person') && has(i, 'dog')],
        ['/images?tag=person&tag=DOG', (i) => has(i, 'person') && has(i, 'dog')],
        ['/images?anyTags=cat,dog', (i) => has(i, 'cat') || has(i, 'dog')],
        [
          '/images?anyTags=cat&anyTags=traffic%20light',
          (i) => has(i, 'cat') || has(i, 'traffic light'),
        ],
        ['/images?notTags=person', (i) => !has(i, 'person')],
        ['/images?tags=person&notTags=dog', (i) => has(i, 'person') && !has(i, 'dog')],
        ['/images?status=failed', (i) => i.status === 'failed'],
        ['/images?status=pending', (i) => i.status === 'pending'],
        ['/images?status=tagged', (i) => i.status === 'tagged'],
        ['/images?untagged=true', (i) => i.status === 'tagged' && i.names.length === 0],
        [
          '/images?status=tagged&notTags=person,car',
          (i) => i.status === 'tagged' && !has(i, 'person') && !has(i, 'car'),
        ],
        ['/tags/dog/images?notTags=car', (i) => has(i, 'dog') && !has(i, 'car')],
        // q: word prefixes of the filename (photo-<second>.jpg) and of tag names, any case.
        ['/images?q=TRAFF', (i) => has(i, 'traffic light')],
        ['/images?q=photo-1', (i) => String(i.second).startsWith('1')],
        ['/images?q=do&notTags=person', (i) => has(i, 'dog') && !has(i, 'person')],
        ['/images?q=light%20photo&status=tagged', (i) => has(i, 'traffic light')],
        [
          '/tags/person/images?anyTags=car,dog',
          (i) => has(i, 'person') && (has(i, 'car') || has(i, 'dog')),
        ],
      ];
      for (const [path, keep] of cases) {
        const expected = newest(keep);
        expect({ path, ids: await ids(path) }).toEqual({ path, ids: expected });
        // Paging by 2 keeps the filters: the same images, page after page.
        expect({ path, ids: await pages(path, 2) }).toEqual({ path, ids: expected });
      }
    });

    it('when order=oldest, then the reverse, and paging keeps both order and filters', async () => {
      expect(await ids('/images?order=oldest')).toEqual(newest(() => true).reverse());
      expect(await ids('/images?order=newest')).toEqual(newest(() => true));
      const notPerson = newest((i) => !has(i, 'person')).reverse();
      expect(await pages('/images?order=oldest&notTags=person', 3)).toEqual(notPerson);
      expect(await pages('/tags/dog/images?order=oldest', 1)).toEqual(
        newest((i) => has(i, 'dog')).reverse(),
      );
    });

    it('when the filters contradict each other, then 200 with an empty page', async () => {
      for (const path of [
        '/images?untagged=true&tags=person',
        '/images?untagged=true&anyTags=person',
        '/images?status=pending&tags=person',
        '/images?status=failed&untagged=true',
        '/images?tags=person&notTags=person',
        '/tags/person/images?notTags=person',
      ]) {
        const res = await app.http.get(path).set(auth).expect(200);
        expect({ path, body: res.body }).toEqual({ path, body: { items: [], nextCursor: null } });
      }
    });

    it('when a parameter or a value is unknown, then a 400 naming it', async () => {
      const cases: [string, string[]][] = [
        ['/images?colour=red', ['colour']],
        ['/images?colour=red&size=2', ['colour', 'size']],
        ['/images?q=cat&q=dog', ['q']],
        [`/images?q=${'a '.repeat(11)}`, ['q']],
        [`/images?q=${'x'.repeat(201)}`, ['q']],
        ['/images?q=%E2%80%AEgpj', ['q']],
        ['/images?status=done', ['status']],
        ['/images?status=failed&status=pending', ['status']],
        ['/images?untagged=false', ['untagged']],
        ['/images?untagged=yes', ['untagged']],
        ['/images?order=sideways', ['order']],
        ['/images?anyTags=,,', ['anyTags']],
        [`/images?notTags=${'x'.repeat(101)}`, ['notTags']],
        ['/tags?prefix=ca&prefix=do', ['prefix']],
        [`/tags?prefix=${'x'.repeat(65)}`, ['prefix']],
        ['/tags?limit=5&cursor=x', ['cursor']],
        ['/tags/person/images?colour=red', ['colour']],
        ['/tags/person/images?status=nope', ['status']],
      ];
      for (const [path, named] of cases) {
        const res = await app.http.get(path).set(auth).expect(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        // A bad name in a list is named with its place in it (anyTags.0), as v1 names tags.0.
        const paths = [
          ...new Set((res.body.errors as { path: string }[]).map((e) => e.path.split('.')[0]!)),
        ].sort();
        expect({ path, paths }).toEqual({ path, paths: named });
      }
    });

    it('when a cursor is used with another order or other filters, then a 400 on cursor', async () => {
      const first = await app.http.get('/images?limit=2&notTags=person').set(auth).expect(200);
      const cursor = first.body.nextCursor as string;
      for (const path of [
        `/images?limit=2&notTags=person&order=oldest&cursor=${cursor}`,
        `/images?limit=2&notTags=dog&cursor=${cursor}`,
        `/images?limit=2&cursor=${cursor}`,
        `/tags/person/images?limit=2&cursor=${cursor}`,
      ]) {
        const res = await app.http.get(path).set(auth).expect(400);
        expect({ path, errors: res.body.errors }).toEqual({
          path,
          errors: [{ path: 'cursor', message: expect.any(String) }],
        });
      }
      const oldest = await app.http.get('/images?limit=2&order=oldest').set(auth).expect(200);
      const wrongWay = await app.http
        .get(`/images?limit=2&cursor=${oldest.body.nextCursor}`)
        .set(auth)
        .expect(400);
      expect(wrongWay.body.errors[0].message).toBe(
        'It was made for order=oldest, not order=newest.',
      );
      // /tags/:tag/images and /images?tags= are one listing: a cursor of one pages the other.
      const byPath = await app.http.get('/tags/person/images?limit=1').set(auth).expect(200);
      await app.http
        .get(`/images?tags=person&limit=1&cursor=${byPath.body.nextCursor}`)
        .set(auth)
        .expect(200);
    });

    it('when /openapi.json is read, then each search parameter is documented', async () => {
      const doc = (await app.http.get('/openapi.json').expect(200)).body;
      for (const route of ['/images', '/tags/{tag}/images']) {
        const params = doc.paths[route].get.parameters as { name: string; description?: string }[];
        const named = Object.fromEntries(params.map((p) => [p.name, p.description ?? '']));
        for (const name of [
          'tags',
          'anyTags',
          'notTags',
          'status',
          'untagged',
          'q',
          'order',
          'limit',
          'cursor',
        ]) {
          expect(named).toHaveProperty(name);
        }
        expect(named.untagged).toMatch(/empty/);
        expect(named.status).toMatch(/pending or failed image/);
        expect(named.q).toMatch(/prefix|start/);
      }
    });
  },
);
