// GET /docs through the built Lambda bundle (scripts/build-lambda.mjs, into a temporary folder
// outside the repository, so nothing can come from node_modules, as on Lambda): the page, the
// viewer's files shipped beside the bundle, and the document, answered as API Gateway events.
// Nothing it asks touches a backing service, so the AWS-shaped configuration stays offline.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { buildLambda } from '../../scripts/build-lambda.mjs';
import { awsShapedEnv } from '../../scripts/lambda-fixtures.mjs';
import {
  gatewayEvent,
  lambdaContext,
  readResult,
  type GatewayRequest,
} from '../support/api-gateway.js';

interface Bundle {
  api(event: unknown, context: unknown): Promise<unknown>;
}

describe('GET /docs through the Lambda bundle', () => {
  let bundleDir: string;
  let bundle: Bundle;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    bundleDir = mkdtempSync(join(tmpdir(), 'pixtag-docs-bundle-'));
    await buildLambda(bundleDir, { cpu: process.arch });
    Object.assign(process.env, awsShapedEnv);
    bundle = (await import(pathToFileURL(join(bundleDir, 'index.mjs')).href)) as Bundle;
  }, 120_000);

  afterAll(() => {
    for (const name of Object.keys(awsShapedEnv)) {
      if (savedEnv[name] === undefined) delete process.env[name];
      else process.env[name] = savedEnv[name];
    }
    rmSync(bundleDir, { recursive: true, force: true });
  });

  const call = async (request: GatewayRequest) =>
    readResult(await bundle.api(gatewayEvent(request), lambdaContext()));

  it('when /docs and the files it names are asked, then each answers 200 with its type', async () => {
    const page = await call({ method: 'GET', path: '/docs' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const assets = [...page.body.matchAll(/(?:src|href)="(docs\/[^"]+)"/g)].map((m) => `/${m[1]}`);
    expect(assets.sort()).toEqual(
      ['/docs/start.js', '/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css'].sort(),
    );
    for (const asset of assets) {
      const got = await call({ method: 'GET', path: asset });
      expect(got.status, asset).toBe(200);
      expect(got.headers['content-type'], asset).toMatch(/^text\/(javascript|css); charset=utf-8$/);
    }
    const viewer = await call({ method: 'GET', path: '/docs/swagger-ui-bundle.js' });
    expect(viewer.body.length).toBeGreaterThan(500_000);
    expect(viewer.body).toContain('SwaggerUIBundle');
  });

  it('when /openapi.json is asked, then the document the page shows, with the package version', async () => {
    const got = await call({ method: 'GET', path: '/openapi.json' });
    expect(got.status).toBe(200);
    expect(got.json().info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(got.json().servers).toEqual([expect.objectContaining({ url: '.' })]);
  });

  it('when a form is posted to a JSON route, then 415 before any backing service is asked', async () => {
    const got = await call({
      method: 'POST',
      path: '/signup',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'username=someone&password=long+enough',
    });
    expect(got.status).toBe(415);
    expect(got.json().detail).toContain('application/json');
  });
});
