// GET /docs in a real browser: Debian's chromium (playwright-core) against the real local app,
// listening on a free port. The reference must render every route under the app's own
// Content-Security-Policy (a violation is a console error in chromium), fetch nothing from
// another host, and its "Try it out" must reach this app.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/local-app.js';
import { launchChromium } from './support.js';

describe('the API reference page in chromium', () => {
  let browser: Browser;
  let app: TestApp;
  let server: Server;
  let origin: string;
  let page: Page;
  const problems: string[] = [];
  const origins = new Set<string>();

  beforeAll(async () => {
    browser = await launchChromium();
    // No built web folder: the viewer comes from node_modules, as when running from source.
    app = await startTestApp({}, { webDir: '/nonexistent' });
    server = createServer(app.runtime.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') {
        problems.push(`${message.type()}: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => origins.add(new URL(request.url()).origin));
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await app?.close();
  });

  it('when /docs is opened, then every route is listed, with no CSP violation and nothing from another host', async () => {
    await page.goto(`${origin}/docs`, { waitUntil: 'networkidle' });
    await expect(page.title()).resolves.toBe('pixtag API reference');
    const doc = (await app.http.get('/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, { operationId }] of Object.entries(methods)) {
        const block = page.locator(`[id$="-${operationId}"]`);
        await expect(block.count(), operationId).resolves.toBe(1);
        await expect(block.locator('.opblock-summary-method').textContent()).resolves.toBe(
          method.toUpperCase(),
        );
        await expect(
          block.locator('.opblock-summary-path').getAttribute('data-path'),
        ).resolves.toBe(path);
      }
    }
    expect(problems).toEqual([]);
    expect([...origins]).toEqual([origin]);
  });

  it('when "Try it out" runs GET /health, then the request goes to this app and shows 200', async () => {
    const health = page.locator('[id$="-getHealth"]');
    await health.getByRole('button', { name: /^GET \/health/ }).click();
    await health.getByRole('button', { name: 'Try it out' }).click();
    await health.getByRole('button', { name: 'Execute' }).click();
    const status = health.locator('.live-responses-table tr.response .response-col_status');
    await status.waitFor({ timeout: 10_000 });
    await expect(status.textContent()).resolves.toBe('200');
    await expect(health.locator('.request-url pre').textContent()).resolves.toBe(
      `${origin}/health`,
    );
    expect(problems).toEqual([]);
  });
});
