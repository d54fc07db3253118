// Requests per second of the real compiled server (dist/server.js) on loopback, as a ratio to a
// bare Express 5 "hello" server measured in the same run: bare, then each route, twice over, so
// both see the same noisy machine. The bare server also sends a copy of the page (see below).
// Data is seeded before the server starts, with the project's own adapters (no model); the routes
// are called with a real bearer token from POST /signin. The page is measured twice: as a repeat
// (a listing-cache hit) and with `Cache-Control: no-cache`, which the server answers as it does
// the first request after a write (a miss: catalog read, views, URLs, JSON, the entry kept).
// Run: npm run bench:http [seconds per run, default 10; or HTTP_BENCH_SECONDS]
//   --smoke      1 s runs, writes nothing (for CI); --cpu-prof  profile the server, writes nothing
//   --rounds=N   alternate N times (default 2); --only=TEXT  bare plus the routes whose name has
//                TEXT (e.g. --only=tags=person, to profile one route), writes nothing
// Any non-2xx or connection error makes the run worthless: it is printed and the exit code is 1.
import autocannon from 'autocannon';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedImages } from './support/http-seed.js';
import {
  cpuSeconds,
  freePort,
  startNode,
  startPixtag,
  type NodeServer,
} from './support/processes.js';
import { writeResults } from './support/results.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const seconds = Number(
  args.find((arg) => !arg.startsWith('--')) ?? process.env.HTTP_BENCH_SECONDS ?? (smoke ? 1 : 10),
);
if (!(seconds > 0)) throw new Error('seconds per run must be a positive number');
const warmUpSeconds = Math.min(2, seconds);
const connections = 20;
const option = (name: string) =>
  args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const rounds = Number(option('rounds') ?? 2);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number ≥ 1');
const only = option('only');
const imageCount = 100; // every image has `person`: the page of 20 is full, with a next page
const credentials = { username: 'bench', password: 'benchmark-password' };
const MISS = 'GET /images?tags=person, cache miss';
/** The goals for the page of 20, as a ratio to bare Express. */
const GOALS = { hit: 0.6, miss: 0.45 };

async function getJson(url: string, headers: Record<string, string>): Promise<unknown> {
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

interface Target {
  url: string;
  headers: Record<string, string>;
  /** The server process, whose CPU time per request is reported beside req/s. */
  pid: number;
}

interface Run {
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  cpuMicrosPerRequest: number;
}

async function measure(title: string, target: Target, duration: number): Promise<Run> {
  const { url, headers, pid } = target;
  const cpuBefore = cpuSeconds(pid);
  const r = await autocannon({ title, url, headers, connections, duration });
  const run = {
    reqPerSec: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    cpuMicrosPerRequest: ((cpuSeconds(pid) - cpuBefore) * 1e6) / r.requests.total,
  };
  if (run.non2xx > 0 || run.errors > 0) {
    const codes = Object.entries(r.statusCodeStats).map(([code, { count }]) => `${code}×${count}`);
    console.error(
      `\n!!! ${title}: ${run.non2xx} non-2xx [${codes.join(' ')}], ${run.errors} errors (${r.timeouts} timeouts): THIS RUN IS NOT VALID !!!\n`,
    );
  }
  return run;
}

const port = await freePort();
const api = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'pixtag-bench-http-'));
const profileDir = args.includes('--cpu-prof')
  ? mkdtempSync(join(tmpdir(), 'pixtag-cpu-prof-'))
  : undefined;
const servers: NodeServer[] = [];
try {
  const imageId = await seedImages(dataDir, api, credentials, imageCount);
  const pixtag = await startPixtag({
    port,
    dataDir,
    nodeArgs: profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
  });
  servers.push(pixtag);
  const pid = pixtag.pid;

  const signIn = await fetch(`${api}/signin`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (!signIn.ok) throw new Error(`POST /signin: ${signIn.status} ${await signIn.text()}`);
  const { token } = (await signIn.json()) as { token: string };
  const auth = { Authorization: `Bearer ${token}` };

  // What is measured is what was asked for: a full page with tags, the counts, one image.
  const pageUrl = `${api}/images?tags=person`;
  const page = (await getJson(pageUrl, auth)) as { items: { tags: unknown[] }[] };
  if (page.items.length !== 20 || page.items.some((item) => item.tags.length < 2)) {
    throw new Error('GET /images?tags=person is not a full page of 20 tagged images');
  }
  const counts = (await getJson(`${api}/tags`, auth)) as { items: { name: string }[] };
  if (!counts.items.some((tag) => tag.name === 'person')) throw new Error('GET /tags lacks person');
  await getJson(`${api}/images/${imageId}`, auth);

  // The bare server also answers /page with res.json of this very page: what sending its bytes
  // costs with no token, no database and no URLs to sign, the ceiling of the page's ratio here.
  const pageFile = join(dataDir, 'page.json');
  writeFileSync(pageFile, JSON.stringify(page));
  const bare = await startNode({
    script: join(import.meta.dirname, 'support', 'hello-express.mjs'),
    port: await freePort(),
    readyPath: '/',
    env: { PAGE_FILE: pageFile },
  });
  servers.push(bare);

  const targets = {
    'bare Express': { url: `${bare.url}/`, headers: {}, pid: bare.pid },
    'bare Express, same page': { url: `${bare.url}/page`, headers: {}, pid: bare.pid },
    'GET /images?tags=person': { url: pageUrl, headers: auth, pid },
    [MISS]: { url: pageUrl, headers: { ...auth, 'Cache-Control': 'no-cache' }, pid },
    'GET /tags': { url: `${api}/tags`, headers: auth, pid },
    'GET /images/:id': { url: `${api}/images/${imageId}`, headers: auth, pid },
  } satisfies Record<string, Target>;

  const names = (Object.keys(targets) as (keyof typeof targets)[]).filter(
    (name) => only === undefined || name === 'bare Express' || name.includes(only),
  );
  const load = loadavg().map((l) => l.toFixed(2));
  console.log(`${cpus().length} cores (${cpus()[0]?.model}), load ${load.join(' ')}: shared`);
  console.log(
    `warm-up ${warmUpSeconds} s each, then ${rounds} rounds of ${seconds} s per target, ${connections} connections`,
  );
  for (const name of names) await measure(`warm-up ${name}`, targets[name], warmUpSeconds);
  const runs = new Map<string, Run[]>(names.map((name) => [name, []]));
  for (let round = 1; round <= rounds; round += 1) {
    for (const name of names) {
      const run = await measure(`${name} #${round}`, targets[name], seconds);
      runs.get(name)!.push(run);
      console.log(`  ${name} #${round}: ${Math.round(run.reqPerSec)} req/s`);
    }
  }

  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const round2 = (value: number) => Math.round(value * 100) / 100;
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = sorted.length / 2;
    return Number.isInteger(middle)
      ? (sorted[middle - 1]! + sorted[middle]!) / 2
      : sorted[Math.floor(middle)]!;
  };
  const bareRuns = runs.get('bare Express')!;
  const bareReqPerSec = mean(bareRuns.map((run) => run.reqPerSec));
  const rows = Object.fromEntries(
    names.map((name) => {
      const list = runs.get(name)!;
      const reqPerSec = mean(list.map((run) => run.reqPerSec));
      // Each round against the bare run just before it: the machine's load moves between rounds.
      const perRound = list.map((run, i) => run.reqPerSec / bareRuns[i]!.reqPerSec);
      return [
        name,
        {
          'req/s': Math.round(reqPerSec),
          'req/s per run': list.map((run) => Math.round(run.reqPerSec)).join(' / '),
          'p50 ms': round2(mean(list.map((run) => run.p50))),
          'p99 ms': round2(mean(list.map((run) => run.p99))),
          'non-2xx': sum(list.map((run) => run.non2xx)),
          errors: sum(list.map((run) => run.errors)),
          'vs bare': round2(reqPerSec / bareReqPerSec),
          'vs bare min / median of rounds': `${round2(Math.min(...perRound))} / ${round2(median(perRound))}`,
          'server CPU µs/req': Math.round(mean(list.map((run) => run.cpuMicrosPerRequest))),
        },
      ];
    }),
  );
  console.table(rows);
  const hit = rows['GET /images?tags=person']?.['vs bare'];
  const miss = rows[MISS]?.['vs bare'];
  const goal = (ratio: number | undefined, target: number) =>
    ratio === undefined ? undefined : { vsBare: ratio, target, met: ratio >= target };
  const goals = { cacheHit: goal(hit, GOALS.hit), cacheMiss: goal(miss, GOALS.miss) };
  for (const [name, line] of Object.entries(goals)) {
    if (line === undefined) continue;
    const verdict = line.met ? 'met' : 'NOT met';
    console.log(
      `page of 20 with tags, ${name}: ${line.vsBare.toFixed(2)} of bare Express (goal ≥ ${line.target.toFixed(2)}: ${verdict})`,
    );
  }
  if (profileDir !== undefined)
    console.log(`server CPU profile: ${profileDir} (written when it stops)`);

  const failed = Object.values(rows).some((row) => row['non-2xx'] > 0 || row.errors > 0);
  if (failed) {
    console.error('\n!!! non-2xx responses or errors during the runs: results NOT written !!!');
    process.exitCode = 1;
  } else if (!smoke && profileDir === undefined && only === undefined) {
    const file = await writeResults('http', {
      settings: { secondsPerRun: seconds, warmUpSeconds, rounds, connections, imageCount },
      routes: rows,
      goals,
    });
    console.log(`written to ${file} under "http"`);
  }
} finally {
  for (const server of servers.reverse()) await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
