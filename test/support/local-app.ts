// Starts the real local app (real adapters, real model, real worker) on a temporary DATA_DIR and
// offers the few steps every component test repeats: a signed-in user, an uploaded fixture.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config.js';
import {
  startLocalRuntime,
  type LocalRuntime,
  type LocalRuntimeOptions,
} from '../../src/local-runtime.js';
import { createLogger } from '../../src/logger.js';
import { eventually } from './eventually.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
export const fixture = (name: string) => readFileSync(join(FIXTURES, name));

export const TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
};

export interface TestApp {
  runtime: LocalRuntime;
  dataDir: string;
  http: ReturnType<typeof request>;
  /** Signs up a fresh user and returns its bearer token. */
  newUser(): Promise<{ username: string; token: string; auth: { Authorization: string } }>;
  /** POST /images then PUT the bytes to the signed URL. Returns the created image's id. */
  upload(token: string, bytes: Buffer, contentType: string, filename?: string): Promise<string>;
  /** Polls GET /images/:id until its status is no longer pending. */
  settled(token: string, id: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startTestApp(
  env: Record<string, string> = {},
  options: Partial<LocalRuntimeOptions> & { dataDir?: string; keepDataDir?: boolean } = {},
): Promise<TestApp> {
  const { dataDir: givenDataDir, keepDataDir, ...runtimeOptions } = options;
  const dataDir = givenDataDir ?? mkdtempSync(join(tmpdir(), 'pixtag-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://pixtag.test',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const runtime = await startLocalRuntime(config, {
    log: createLogger('silent'),
    worker: { baseDelayMs: 20, maxDelayMs: 200 },
    ...runtimeOptions,
  });
  const http = request(runtime.app);

  const app: TestApp = {
    runtime,
    dataDir,
    http,
    async newUser() {
      const username = `user-${randomUUID().slice(0, 8)}`;
      const password = 'correct horse battery';
      await http.post('/signup').send({ username, password }).expect(201);
      const signin = await http.post('/signin').send({ username, password }).expect(200);
      const token = signin.body.token as string;
      return { username, token, auth: { Authorization: `Bearer ${token}` } };
    },
    async upload(token, bytes, contentType, filename) {
      const created = await http
        .post('/images')
        .set('Authorization', `Bearer ${token}`)
        .send({ contentType, size: bytes.length, ...(filename ? { filename } : {}) })
        .expect(201);
      await putSigned(http, created.body.upload, bytes).expect(200);
      return created.body.image.id as string;
    },
    async settled(token, id) {
      return eventually(
        async () => {
          const res = await http
            .get(`/images/${id}`)
            .set('Authorization', `Bearer ${token}`)
            .expect(200);
          expect(res.body.status).not.toBe('pending');
          return res.body as Record<string, unknown>;
        },
        { timeoutMs: 60_000 },
      );
    },
    async close() {
      await runtime.close();
      if (!keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return app;
}

/** The signed URL's path and query, sent to the in-process app with the headers it demands. */
export function putSigned(
  http: ReturnType<typeof request>,
  upload: { url: string; headers: Record<string, string> },
  bytes: Buffer,
) {
  const url = new URL(upload.url);
  return http
    .put(url.pathname + url.search)
    .set(upload.headers)
    .send(bytes);
}

export function pathOf(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}
