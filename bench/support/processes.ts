// Servers for the benchmarks: each its own `node` process on a free loopback port, ready once a
// path answers 2xx, stopped with SIGTERM (dist/server.js exits cleanly on it, which is also when
// `--cpu-prof` writes its profile).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface NodeServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface NodeServerOptions {
  script: string;
  port: number;
  /** Answers 2xx once the server is ready. */
  readyPath: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
  deadlineMs?: number;
}

export async function startNode(options: NodeServerOptions): Promise<NodeServer> {
  const url = `http://127.0.0.1:${options.port}`;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script], {
    env: { ...process.env, ...options.env, PORT: String(options.port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + (options.deadlineMs ?? 15_000);
  for (;;) {
    const ok = await fetch(url + options.readyPath).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return { url, pid: child.pid!, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`${options.script} did not start on ${url}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The compiled server as `npm start` runs it (dist/server.js), on `port` of 127.0.0.1 with its
 * data in `dataDir`, logging warnings only (an info line per request would be measured too).
 */
export function startPixtag(options: {
  port: number;
  dataDir: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
}): Promise<NodeServer> {
  return startNode({
    script: 'dist/server.js',
    port: options.port,
    readyPath: '/health',
    env: {
      PUBLIC_URL: `http://127.0.0.1:${options.port}`,
      DATA_DIR: options.dataDir,
      LOG_LEVEL: 'warn',
      // As `npm start` and the Dockerfile set it (README, "Memory").
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
      ...options.env,
    },
    nodeArgs: options.nodeArgs ?? [],
  });
}

/** CPU seconds (user + system) a process has used so far; NaN where /proc is not there. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and
    // 13th, in USER_HZ ticks, which Linux fixes at 100 a second for /proc.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** A process's resident memory now and at its peak (Linux: /proc/<pid>/status), in MiB. */
export function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}
