// Requests generated from /openapi.json with fast-check — wrong types, missing and extra fields,
// huge and odd Unicode strings, negative and huge numbers, bad cursors, ids and tokens — against
// every documented route of the real app. None may be answered with a 5xx, every refusal is a
// problem document, and the server still answers /health afterwards.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/local-app.js';

interface Operation {
  method: string;
  path: string;
  query: string[];
  bodyFields: string[];
}

const RUNS = Number(process.env.FUZZ_RUNS ?? 5000);

/** Odd values of every JSON type, and a few that are nearly right. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom(
    '',
    ' ',
    'image/png',
    'image/svg+xml',
    'x'.repeat(20_000),
    '\u0000',
    '../..',
    '%00',
    '😀'.repeat(300),
  ),
  fc.integer(),
  fc.constantFrom(0, -1, 1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 10 * 1024 * 1024 + 1),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

const queryValue: fc.Arbitrary<string | string[]> = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.integer().map(String),
  fc.constantFrom(
    '0',
    '-1',
    '101',
    '1001',
    '1e3',
    'NaN',
    '',
    ',',
    ',,,',
    'person',
    'person,bus',
    'a'.repeat(600),
  ),
  fc.array(fc.string({ maxLength: 10 }), { minLength: 2, maxLength: 3 }),
);

describe('fuzzing every route from the OpenAPI document', () => {
  let app: TestApp;
  let operations: Operation[];
  let validToken: string;
  let imageId: string;

  beforeAll(async () => {
    app = await startTestApp();
    const user = await app.newUser();
    validToken = user.token;
    imageId = (
      await app.http
        .post('/images')
        .set(user.auth)
        .send({ contentType: 'image/png', size: 10 })
        .expect(201)
    ).body.image.id;
    const doc = (await app.http.get('/openapi.json').expect(200)).body as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: Array<{ name: string; in: string }>;
            requestBody?: {
              content: Record<string, { schema: { properties?: Record<string, unknown> } }>;
            };
          }
        >
      >;
    };
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        bodyFields: Object.keys(
          op.requestBody?.content['application/json']?.schema.properties ?? {},
        ),
      })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(11);
  });
  afterAll(() => app.close());

  it(`when ${RUNS} generated requests hit the documented routes, then none gets a 5xx and /health still answers`, async () => {
    const pathParam = fc.oneof(
      fc.constant(() => imageId),
      fc.uuid().map((id) => () => id),
      fc.string({ maxLength: 40 }).map((s) => () => encodeURIComponent(s)),
      fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => () => encodeURIComponent(s)),
      fc
        .constantFrom('%E0%A4%A', '%', '..', 'x'.repeat(300), 'person', 'traffic%20light')
        .map((s) => () => s),
    );
    const authorization = fc.oneof(
      fc.constant(() => `Bearer ${validToken}`),
      fc.constant(() => undefined),
      fc
        .constantFrom(
          'Bearer',
          'Bearer ',
          'Basic dXNlcjpwYXNz',
          'Bearer a.b.c',
          'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
        )
        .map((h) => () => h),
      fc.string({ maxLength: 60 }).map((s) => () => `Bearer ${s.replace(/[^\x20-\x7e]/g, '')}`),
    );
    const body = (fields: string[]) =>
      fc.oneof(
        fc.record(Object.fromEntries(fields.map((f) => [f, anyJson])), { requiredKeys: [] }),
        fc
          .tuple(
            fc.record(Object.fromEntries(fields.map((f) => [f, anyJson])), { requiredKeys: [] }),
            fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 2 }),
          )
          .map(([a, b]) => ({ ...b, ...a })),
        anyJson,
        fc
          .constantFrom('{"username":', 'null', '[]', '"text"', '{'.repeat(500))
          .map((raw) => ({ raw })),
      );
    const request = fc.constantFrom(...operations).chain((op) =>
      fc.record({
        op: fc.constant(op),
        params: pathParam,
        query: fc.dictionary(fc.constantFrom(...(op.query.length ? op.query : ['x'])), queryValue, {
          maxKeys: 3,
        }),
        body: body(op.bodyFields),
        auth: authorization,
      }),
    );

    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ op, params, query, body: payload, auth }) => {
        const path = op.path.replace(/\{[^}]+\}/g, () => params());
        let req = app.http[op.method.toLowerCase() as 'get'](path).query(query);
        const header = auth();
        if (header !== undefined) req = req.set('Authorization', header);
        if (op.method === 'POST') {
          req =
            typeof payload === 'object' && payload !== null && 'raw' in payload
              ? req
                  .set('Content-Type', 'application/json')
                  .send(String((payload as { raw: string }).raw))
              : req.set('Content-Type', 'application/json').send(JSON.stringify(payload ?? null));
        }
        const res = await req;
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        expect(
          res.status,
          `${op.method} ${path} → ${res.status} ${res.text.slice(0, 200)}`,
        ).toBeLessThan(500);
        if (res.status >= 400)
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    // The generators reach both success and refusal, so the property means something.
    expect([...seen.keys()].some((s) => s < 300)).toBe(true);
    expect([...seen.keys()].filter((s) => s >= 400).length).toBeGreaterThanOrEqual(3);
    await app.http.get('/health').expect(200, { status: 'ok' });
  }, 120_000);
});
