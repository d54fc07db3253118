// GET / and its assets from the real local app: served under the app's CSP, which names the
// store's origin and nothing wider; the rest of the contract unchanged around them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { buildWeb } from '../../scripts/build-web.mjs';
import { startTestApp, type TestApp } from '../support/local-app.js';

describe('the web gallery routes', () => {
  let app: TestApp;
  const webDir = mkdtempSync(join(tmpdir(), 'pixtag-web-'));
  beforeAll(async () => {
    // Built into a folder of its own: the browser test builds dist/web meanwhile.
    await buildWeb(webDir);
    app = await startTestApp(
      { PUBLIC_URL: 'http://files.pixtag.test:8080', MAX_UPLOAD_BYTES: '2048' },
      { webDir },
    );
  });
  afterAll(async () => {
    await app.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('when / is asked, then the page with the upload limits, under a CSP naming the store', async () => {
    const res = await app.http.get('/').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('data-max-upload-bytes="2048"');
    expect(res.text).toContain('data-image-types="image/jpeg,image/png,image/webp,image/gif"');
    const csp = res.headers['content-security-policy'] as string;
    const directives = Object.fromEntries(
      csp.split(';').map((directive) => {
        const [name, ...sources] = directive.trim().split(/\s+/);
        return [name, sources.join(' ')];
      }),
    );
    expect(directives).toMatchObject({
      'script-src': "'self'",
      'style-src': "'self'",
      'img-src': "'self' data: http://files.pixtag.test:8080",
      'connect-src': "'self' http://files.pixtag.test:8080",
    });
    expect(csp).not.toMatch(/unsafe-inline|upgrade-insecure-requests|\*/);
  });

  it('when the page is loaded, then every script and stylesheet it names is served, and revalidates', async () => {
    const page = (await app.http.get('/').expect(200)).text;
    const assets = [...page.matchAll(/(?:src|href)="(web\/[^"]+)"/g)].map((m) => `/${m[1]}`);
    expect(assets.sort()).toEqual(['/web/app.js', '/web/styles.css']);
    for (const asset of ['/', ...assets]) {
      const res = await app.http.get(asset).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/(html|javascript|css); charset=utf-8$/);
      expect(res.headers['cache-control']).toBe('no-cache');
      await app.http.get(asset).set('If-None-Match', res.headers.etag!).expect(304);
    }
    expect(page).not.toMatch(/<script>|<style>|style="/);
  });

  it('when another path or method is asked, then the usual problem details', async () => {
    const missing = await app.http.get('/web/nope.js').expect(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    const wrongMethod = await app.http.post('/').expect(405);
    expect(wrongMethod.headers.allow).toContain('GET');
    await app.http.get('/nope').expect(404);
    expect((await app.http.get('/health').expect(200)).body).toEqual({ status: 'ok' });
  });
});
