// A real S3 stand-in for tests: s3rver 3.7.1 on 127.0.0.1, a free port, a temporary directory and
// one bucket. It runs in a child process because its paged listings use DES, which Node 20's
// OpenSSL 3 refuses without --openssl-legacy-provider, a flag that cannot be turned on inside an
// already running test worker. Its ObjectCreated events are relayed to this process over the
// child's IPC channel.
//
// What s3rver does not do: it never checks a SigV4 signature (so a tampered URL, another
// Content-Type or Content-Length pass), though it does refuse an expired presigned URL.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3EventRecord } from 'aws-lambda';

export interface S3rver {
  /** http://127.0.0.1:<port>, for the S3 client's `endpoint` (with forcePathStyle). */
  endpoint: string;
  bucket: string;
  region: string;
  /** The only key pair s3rver knows (it refuses any other access key id). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /**
   * Calls the listener with each ObjectCreated record, shaped as S3 sends it to a Lambda (the key
   * URL-encoded, as S3 does and s3rver does not). Returns a function that unsubscribes.
   */
  onEvent(listener: (record: S3EventRecord) => void): () => void;
  stop(): Promise<void>;
}

// The child: starts s3rver, reports its port, forwards events, and dies with its parent.
const CHILD = `
const S3rver = require(process.env.S3RVER_MODULE);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: process.env.S3RVER_DIRECTORY,
  configureBuckets: [{ name: process.env.S3RVER_BUCKET, configs: [] }],
});
server.on('event', (event) => process.send({ type: 'event', event }));
process.on('disconnect', () => process.exit(0));
server.run().then(
  ({ port }) => process.send({ type: 'ready', port }),
  (error) => { process.send({ type: 'failed', message: String(error && error.stack || error) }); process.exit(1); },
);
`;

type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'failed'; message: string }
  | { type: 'event'; event: { Records: S3EventRecord[] } };

const START_TIMEOUT_MS = 15_000;

export async function startS3rver({ bucket }: { bucket: string }): Promise<S3rver> {
  const directory = mkdtempSync(join(tmpdir(), 'pixtag-s3rver-'));
  const script = join(directory, 'child.cjs');
  writeFileSync(script, CHILD);
  const child = fork(script, [], {
    cwd: directory,
    execArgv: ['--openssl-legacy-provider'],
    env: {
      ...process.env,
      // The test worker's own options (loaders and the like) mean nothing to s3rver.
      NODE_OPTIONS: '',
      S3RVER_MODULE: createRequire(import.meta.url).resolve('s3rver'),
      S3RVER_DIRECTORY: join(directory, 'data'),
      S3RVER_BUCKET: bucket,
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));

  const listeners = new Set<(record: S3EventRecord) => void>();
  child.on('message', (message: ChildMessage) => {
    if (message.type !== 'event') return;
    for (const record of message.event.Records) {
      // The stack subscribes onUpload to ObjectCreated only; deletes are not relayed either.
      if (!record.eventName.startsWith('ObjectCreated:')) continue;
      const relayed = {
        ...record,
        s3: {
          ...record.s3,
          object: { ...record.s3.object, key: s3EventKey(record.s3.object.key) },
        },
      };
      for (const listener of listeners) listener(relayed);
    }
  });

  try {
    const port = await ready(child, () => stderr);
    return {
      endpoint: `http://127.0.0.1:${port}`,
      bucket,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      onEvent(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      async stop() {
        listeners.clear();
        await exited(child);
        rmSync(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await exited(child);
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

/** S3 event keys are URL-encoded like a form value: spaces become '+', slashes stay. */
function s3EventKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}

function ready(child: ChildProcess, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(`s3rver did not start within ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS,
    );
    const onMessage = (message: ChildMessage) => {
      if (message.type === 'ready') done(() => resolve(message.port));
      if (message.type === 'failed') fail(`s3rver failed to start: ${message.message}`);
    };
    const onExit = (code: number | null) => fail(`s3rver exited with ${code}: ${stderr()}`);
    const done = (settle: () => void) => {
      clearTimeout(timer);
      child.off('message', onMessage).off('exit', onExit).off('error', fail);
      settle();
    };
    const fail = (reason: unknown) =>
      done(() => reject(reason instanceof Error ? reason : new Error(String(reason))));
    child.on('message', onMessage).on('exit', onExit).on('error', fail);
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
