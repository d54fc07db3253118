// Load and soak (issue 6, benchmark 4): the compiled server (dist/server.js, as `npm start` runs
// it) on a temporary DATA_DIR, under a closed loop of 50 connections for 60 s of mixed traffic
// from 10 users: 80% reads, 15% create-upload + PUT of a real photo, 5% deletes of the user's own
// images (see bench/support/load-traffic.ts), plus one GET /health probe at a time, whose latency
// shows how long requests wait for the event loop. The server's RSS is sampled every second.
// After the run, every upload it made is followed (bounded wait) until none is `pending`.
// Goals: zero errors, zero 5xx, RSS growth under 10% from the second to the last 10 s window,
// every upload ends `tagged`. Each goal prints PASS or MISS; no timing is asserted.
// Exit code 1 only on a 5xx or a connection error: those are bugs, not slowness.
// Run: npm run bench:load [seconds, default 60]   --smoke  a few seconds, 5 connections (for CI)
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KINDS, MIX, Traffic, type User } from './support/load-traffic.js';
import { cpuSeconds, freePort, memoryOf, startPixtag } from './support/processes.js';
import { writeResults } from './support/results.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const seconds = Number(args.find((arg) => !arg.startsWith('--')) ?? (smoke ? 3 : 60));
if (!(seconds > 0)) throw new Error('seconds must be a positive number');
const connections = smoke ? 5 : 50;
const userCount = smoke ? 2 : 10;
// The closed loop makes uploads as fast as the server takes them (about 70/s on a quiet machine),
// far faster than 2 cores tag them (about 7/s): a full run leaves minutes of queue to drain.
const drainLimitMs = (smoke ? 2 : 20) * 60_000;
const RSS_GOAL = 0.1;

const round1 = (value: number) => Math.round(value * 10) / 10;
function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const verdict = (met: boolean) => (met ? 'PASS' : 'MISS');

async function json<T>(api: string, path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${api}${path}`, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

async function newUser(api: string, n: number): Promise<User> {
  const body = JSON.stringify({ username: `load-${n}`, password: 'load-test-password' });
  const post = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body };
  await json(api, '/signup', post);
  const { token } = await json<{ token: string }>(api, '/signin', post);
  return { auth: { Authorization: `Bearer ${token}` }, images: [] };
}

interface Statuses {
  pending: number;
  tagged: number;
  failed: number;
  /** Uploaded, never deleted by the run, yet no longer listed: a bug if ever above 0. */
  missing: number;
  errors: Map<string, number>;
}

/** The status of every upload still owned (not deleted), from each user's full listing. */
async function uploadStatuses(api: string, traffic: Traffic): Promise<Statuses> {
  const seen = new Map<string, { status: string; error?: string }>();
  for (const user of traffic.users) {
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page = await json<{
        items: { id: string; status: string; error?: string }[];
        nextCursor: string | null;
      }>(api, `/images?limit=100${query}`, { headers: user.auth });
      for (const item of page.items) seen.set(item.id, item);
      cursor = page.nextCursor;
    } while (cursor !== null);
  }
  const counts: Statuses = { pending: 0, tagged: 0, failed: 0, missing: 0, errors: new Map() };
  for (const id of traffic.uploads.keys()) {
    if (traffic.deleted.has(id)) continue;
    const image = seen.get(id);
    if (image === undefined) counts.missing += 1;
    else if (image.status === 'pending') counts.pending += 1;
    else if (image.status === 'tagged') counts.tagged += 1;
    else {
      counts.failed += 1;
      const error = image.error ?? '(no error)';
      counts.errors.set(error, (counts.errors.get(error) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Files in the local store that belong to a deleted image (its upload, or anything derived from it
 * and named by its id, like a thumbnail): each one a leak that never goes.
 */
function orphanBlobs(dataDir: string, traffic: Traffic): number {
  const root = join(dataDir, 'blobs');
  if (!existsSync(root)) return 0;
  return readdirSync(root, { recursive: true, withFileTypes: true }).filter(
    (entry) => entry.isFile() && traffic.deleted.has(entry.name.replace(/\.[a-z]+$/, '')),
  ).length;
}

const port = await freePort();
const api = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'pixtag-bench-load-'));
const server = await startPixtag({ port, dataDir });
try {
  const users: User[] = [];
  for (let n = 0; n < userCount; n += 1) users.push(await newUser(api, n));
  const traffic = new Traffic(api, users);
  // Warm-up: one upload per user, tagged before the clock starts, so the model's lazy load is
  // not in the run and every user has an image to read from the first second.
  for (const [index] of users.entries()) await traffic.upload(index);
  const warmDeadline = Date.now() + 120_000;
  while ((await uploadStatuses(api, traffic)).pending > 0) {
    if (Date.now() > warmDeadline) throw new Error('the warm-up uploads were not tagged in 2 min');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const warmUploads = traffic.uploads.size;
  for (const stats of traffic.stats.values()) {
    stats.latenciesMs.length = 0;
    stats.statuses.clear();
    stats.unexpected = stats.connectionErrors = 0;
  }

  const load = loadavg().map((l) => l.toFixed(2));
  console.log(`${cpus().length} cores (${cpus()[0]?.model}), load ${load.join(' ')}: shared`);
  const mix = Object.entries(MIX).map(([name, share]) => `${share}% ${name}`);
  console.log(`${connections} connections, ${userCount} users, ${seconds} s: ${mix.join(', ')}`);

  const rss: number[] = [];
  const cpuBefore = cpuSeconds(server.pid);
  const clientCpuBefore = process.cpuUsage();
  const started = Date.now();
  const sampler = setInterval(() => {
    rss.push(memoryOf(server.pid).rssMiB);
    if (rss.length % 10 === 0) {
      const requests = [...traffic.stats.values()].reduce((n, s) => n + s.latenciesMs.length, 0);
      console.log(`  ${rss.length} s: ${requests} requests, RSS ${Math.round(rss.at(-1)!)} MiB`);
    }
  }, 1000);
  const endAt = started + seconds * 1000;
  await Promise.all([traffic.run(connections, endAt), traffic.probe(endAt)]);
  clearInterval(sampler);
  const elapsed = (Date.now() - started) / 1000;
  const serverCpu = (cpuSeconds(server.pid) - cpuBefore) / elapsed;
  // The load generator shares the machine with the server: its own CPU is part of the picture.
  const clientUsage = process.cpuUsage(clientCpuBefore);
  const clientCpu = (clientUsage.user + clientUsage.system) / 1e6 / elapsed;

  const rows = Object.fromEntries(
    KINDS.map((kind) => {
      const s = traffic.stats.get(kind)!;
      const statuses = [...s.statuses].sort(([a], [b]) => a - b);
      return [
        kind,
        {
          requests: s.latenciesMs.length + s.connectionErrors,
          'p50 ms': round1(quantile(s.latenciesMs, 0.5)),
          'p99 ms': round1(quantile(s.latenciesMs, 0.99)),
          'max ms': round1(quantile(s.latenciesMs, 1)),
          statuses: statuses.map(([code, n]) => `${code}×${n}`).join(' '),
          unexpected: s.unexpected,
          'conn errors': s.connectionErrors,
        },
      ];
    }),
  );
  const all = [...traffic.stats.values()];
  const latencies = all.flatMap((s) => s.latenciesMs);
  const requests = latencies.length + all.reduce((n, s) => n + s.connectionErrors, 0);
  const fivexx = all.reduce(
    (n, s) => n + [...s.statuses].filter(([c]) => c >= 500).reduce((m, [, k]) => m + k, 0),
    0,
  );
  const connectionErrors = all.reduce((n, s) => n + s.connectionErrors, 0);
  const errors = all.reduce((n, s) => n + s.unexpected, 0) + connectionErrors;
  console.log(
    `\n${requests} requests in ${elapsed.toFixed(1)} s (${Math.round(requests / elapsed)} req/s),` +
      ` p50 ${round1(quantile(latencies, 0.5))} ms, p99 ${round1(quantile(latencies, 0.99))} ms;` +
      ` CPU of one core: server ${Math.round(serverCpu * 100)}%, load generator ${Math.round(clientCpu * 100)}%`,
  );
  console.table(rows);
  if (traffic.problems.length > 0)
    console.log(`first problems:\n  ${traffic.problems.join('\n  ')}`);

  // RSS: the second 10 s window against the last one (the first holds the ramp-up).
  const window = (from: number) => mean(rss.slice(from, from + 10));
  const rssAt10 = rss[9];
  const second = rss.length >= 30 ? window(10) : Number.NaN;
  const last = rss.length >= 30 ? window(rss.length - 10) : Number.NaN;
  const growth = (last - second) / second;
  const mib = (value: number | undefined) =>
    value === undefined || Number.isNaN(value) ? 'n/a' : `${Math.round(value)} MiB`;
  console.log(
    `server RSS: ${mib(rssAt10)} at 10 s, ${mib(rss.at(-1))} at the end` +
      ` (min ${mib(Math.min(...rss))}, max ${mib(Math.max(...rss))});` +
      ` mean of 10–20 s ${mib(second)}, of the last 10 s ${mib(last)}: growth ` +
      (Number.isNaN(growth) ? 'n/a (run < 30 s)' : `${(growth * 100).toFixed(1)}%`),
  );

  // Drain: every upload of the run (the warm-up's are tagged already) leaves `pending`.
  const drainStarted = Date.now();
  let statuses = await uploadStatuses(api, traffic);
  let lastPrint = Date.now();
  const pendingAtEnd = statuses.pending;
  console.log(`\ndraining: ${pendingAtEnd} of ${traffic.uploads.size} uploads pending`);
  while (statuses.pending > 0 && Date.now() - drainStarted < drainLimitMs) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    statuses = await uploadStatuses(api, traffic);
    if (Date.now() - lastPrint >= 10_000) {
      lastPrint = Date.now();
      const at = Math.round((Date.now() - drainStarted) / 1000);
      console.log(`  ${at} s: ${statuses.pending} pending, ${statuses.tagged} tagged`);
    }
  }
  const drainSeconds = (Date.now() - drainStarted) / 1000;
  const drained = statuses.pending === 0;
  const drainRate = (pendingAtEnd - statuses.pending) / drainSeconds;
  const runUploads = traffic.uploads.size - warmUploads;
  console.log(
    `${runUploads} uploads during the run (+${warmUploads} warm-up), ${traffic.deleted.size} deleted;` +
      ` of the rest: ${statuses.tagged} tagged, ${statuses.failed} failed, ${statuses.pending} pending,` +
      ` ${statuses.missing} missing; ${drained ? 'drained' : 'NOT drained'} in ${drainSeconds.toFixed(0)} s`,
  );
  for (const [error, n] of statuses.errors) console.log(`  failed ×${n}: ${error}`);
  // What the queue can absorb: uploads the run made per second against images settled per second.
  console.log(
    `uploads made ${round1(runUploads / elapsed)}/s during the run; settled ${round1(drainRate)}/s while draining`,
  );
  const orphans = orphanBlobs(dataDir, traffic);
  console.log(
    `files kept of deleted images (a PUT after the DELETE, say): ${orphans}` +
      (drained ? '' : ' (not final: the queued jobs of a PUT after a DELETE remove its file)'),
  );
  // A WAL that only grows would mean checkpoints never get a moment between readers.
  const fileMiB = (name: string) =>
    existsSync(join(dataDir, name)) ? round1(statSync(join(dataDir, name)).size / 2 ** 20) : 0;
  const database = { dbMiB: fileMiB('pixtag.db'), walMiB: fileMiB('pixtag.db-wal') };
  console.log(`database ${database.dbMiB} MiB, write-ahead log ${database.walMiB} MiB`);

  const goals = {
    'zero errors': { measured: errors, met: errors === 0 },
    'zero 5xx': { measured: fivexx, met: fivexx === 0 },
    'RSS growth < 10%': {
      measured: Number.isNaN(growth) ? null : round1(growth * 100),
      met: !Number.isNaN(growth) && growth < RSS_GOAL,
    },
    'every upload tagged': {
      measured: `${statuses.tagged} tagged, ${statuses.failed} failed, ${statuses.pending + statuses.missing} other`,
      met: drained && statuses.failed === 0 && statuses.missing === 0,
    },
  };
  console.table(
    Object.fromEntries(
      Object.entries(goals).map(([goal, g]) => [
        goal,
        { measured: g.measured, ' ': g.measured === null ? 'n/a (run < 30 s)' : verdict(g.met) },
      ]),
    ),
  );

  if (!smoke) {
    const file = await writeResults('load', {
      settings: { seconds, connections, users: userCount, mix: MIX },
      requests,
      reqPerSec: Math.round(requests / elapsed),
      cpuCores: { server: round1(serverCpu), loadGenerator: round1(clientCpu) },
      kinds: rows,
      rssMiB: { at10s: rssAt10, end: rss.at(-1), second10s: second, last10s: last },
      uploads: { run: runUploads, warmUp: warmUploads, deleted: traffic.deleted.size },
      drain: {
        seconds: round1(drainSeconds),
        settledPerSecond: round1(drainRate),
        ...statuses,
        errors: Object.fromEntries(statuses.errors),
      },
      orphanBlobs: orphans,
      database,
      goals,
    });
    console.log(`written to ${file} under "load"`);
  }
  if (fivexx > 0 || connectionErrors > 0) {
    console.error(`\n!!! ${fivexx} 5xx and ${connectionErrors} connection errors: a bug !!!`);
    process.exitCode = 1;
  }
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
