// The API's own description from the real local app: GET /openapi.json as Redocly's lint wants
// it (servers, an operationId each, security said on every route, the package's version) and
// true to the behaviour (a route it calls public answers without a token, the others refuse
// one), and GET /docs, the page that shows it, with its viewer served by the app itself under
// the app's CSP.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/local-app.js';

interface Operation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, unknown>;
}
type Document = {
  info: { version: string };
  servers?: Array<{ url: string }>;
  security?: Array<Record<string, string[]>>;
  paths: Record<string, Record<string, Operation>>;
};

const packageVersion = (
  JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
    version: string;
  }
).version;

const PUBLIC = [
  'POST /signup',
  'POST /signin',
  'PUT /files/{key}',
  'GET /files/{key}',
  'GET /health',
  'GET /openapi.json',
  'GET /docs',
];

describe('the API reference: /openapi.json and /docs', () => {
  let app: TestApp;
  let doc: Document;
  let operations: Array<{ name: string; method: string; path: string; op: Operation }>;
  // A built web folder with no viewer in it: the viewer then comes from node_modules.
  const webDir = mkdtempSync(join(tmpdir(), 'pixtag-docs-'));

  beforeAll(async () => {
    app = await startTestApp({}, { webDir });
    doc = (await app.http.get('/openapi.json').expect(200)).body as Document;
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        name: `${method.toUpperCase()} ${path}`,
        method,
        path,
        op,
      })),
    );
  });
  afterAll(async () => {
    await app.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('when /openapi.json is read, then it has servers, the package version, and an operationId on every operation', () => {
    expect(doc.info.version).toBe(packageVersion);
    // Relative to the document: the app's root here, the stage's root behind API Gateway.
    expect(doc.servers).toEqual([{ url: '.', description: expect.any(String) }]);
    const ids = operations.map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('when /openapi.json is read, then the public routes say security: [] and the rest need the bearer token', () => {
    expect(doc.security).toEqual([{ bearer: [] }]);
    const publicOnes = operations.filter(({ op }) => op.security?.length === 0).map((o) => o.name);
    expect(publicOnes.sort()).toEqual([...PUBLIC].sort());
    for (const { op, name } of operations) {
      if (!PUBLIC.includes(name))
        expect(op.security ?? doc.security, name).toEqual([{ bearer: [] }]);
    }
  });

  it('when a route is documented as needing a token, then it refuses a request without one (401)', async () => {
    const secured = operations.filter(({ name }) => !PUBLIC.includes(name));
    expect(secured.length).toBeGreaterThanOrEqual(7);
    for (const { method, path, name } of secured) {
      const url = path
        .replace('{id}', '0b7f5a52-3f5c-4a57-8f4e-2d4f8f1b6c11')
        .replace(/\{[^}]+\}/g, 'x');
      const res = await app.http[method as 'get'](url);
      expect(res.status, name).toBe(401);
    }
  });

  it('when a public GET route is called without a token, then it answers', async () => {
    for (const path of ['/health', '/openapi.json', '/docs']) {
      await app.http.get(path).expect(200);
    }
  });

  it('when the local upload is read, then its signed query, its body and its refusals are documented', () => {
    const put = doc.paths['/files/{key}']!.put!;
    expect(put.parameters!.map((p) => `${p.in}:${p.name}:${p.required}`).sort()).toEqual(
      [
        'path:key:true',
        'query:contentType:true',
        'query:size:true',
        'query:expires:true',
        'query:signature:true',
      ].sort(),
    );
    expect(Object.keys(put.requestBody!.content).sort()).toEqual(
      ['image/gif', 'image/jpeg', 'image/png', 'image/webp'].sort(),
    );
    expect(Object.keys(put.responses).sort()).toEqual(['200', '400', '403', '413']);
  });

  it('when a listing is read, then the Cache-Control: no-cache it honours is documented (and only there)', () => {
    // The routes that answer through the listing cache (test/component/listing-cache.test.ts).
    const withHeader = operations.filter(({ op }) =>
      op.parameters?.some((p) => p.in === 'header' && p.name === 'Cache-Control'),
    );
    expect(withHeader.map((o) => o.name).sort()).toEqual(
      ['GET /images', 'GET /tags', 'GET /tags/{tag}/images'].sort(),
    );
  });

  it('when a route takes a JSON body, then its 415 is documented', () => {
    const withBody = operations.filter(({ op }) => op.requestBody?.content['application/json']);
    // At least these; every route added with a JSON body is held to the same.
    expect(withBody.map((o) => o.name)).toEqual(
      expect.arrayContaining(['POST /images', 'POST /signin', 'POST /signup']),
    );
    for (const { op, name } of withBody) expect(Object.keys(op.responses), name).toContain('415');
  });

  it('when /docs is asked, then an HTML page naming only its own files, under the CSP without inline code', async () => {
    const res = await app.http.get('/docs').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const page = res.text;
    expect(page).not.toMatch(/https?:|\/\/[a-z]/i);
    expect(page).not.toMatch(/<script>|<style|style="|\son[a-z]+="/);
    const assets = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.sort()).toEqual(
      ['data:,', 'docs/start.js', 'docs/swagger-ui-bundle.js', 'docs/swagger-ui.css'].sort(),
    );
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
  });

  it('when the page loads its files, then each is served with its type and revalidates', async () => {
    const types: Record<string, RegExp> = {
      '/docs/swagger-ui-bundle.js': /^text\/javascript; charset=utf-8$/,
      '/docs/swagger-ui.css': /^text\/css; charset=utf-8$/,
      '/docs/start.js': /^text\/javascript; charset=utf-8$/,
    };
    for (const [path, type] of Object.entries(types)) {
      const res = await app.http.get(path).buffer(true).expect(200);
      expect(res.headers['content-type'], path).toMatch(type);
      expect(res.headers['cache-control']).toBe('no-cache');
      await app.http.get(path).set('If-None-Match', res.headers.etag!).expect(304);
    }
    const bundle = await app.http.get('/docs/swagger-ui-bundle.js').buffer(true).expect(200);
    expect(bundle.text.length).toBeGreaterThan(500_000);
    // The document comes from this app (relative), and is never sent to an outside validator.
    const start = (await app.http.get('/docs/start.js').buffer(true).expect(200)).text;
    expect(start).toContain("url: 'openapi.json'");
    expect(start).toContain('validatorUrl: null');
  });

  it('when the built web folder has the viewer, then that copy is served', async () => {
    mkdirSync(join(webDir, 'docs'), { recursive: true });
    writeFileSync(join(webDir, 'docs', 'swagger-ui.css'), '/* the built copy */\n');
    const other = await startTestApp({}, { webDir });
    try {
      const res = await other.http.get('/docs/swagger-ui.css').buffer(true).expect(200);
      expect(res.text).toBe('/* the built copy */\n');
    } finally {
      await other.close();
    }
  });

  it('when /docs/ is asked, then a relative redirect to /docs; other methods get 405', async () => {
    const res = await app.http.get('/docs/').expect(301);
    expect(res.headers.location).toBe('../docs');
    const post = await app.http.post('/docs').expect(405);
    expect(post.headers.allow).toBe('GET, HEAD, OPTIONS');
  });
});
