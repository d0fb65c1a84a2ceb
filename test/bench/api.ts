/**
 * API latency and throughput: autocannon with 16 connections against GET sheet (with the bootstrap
 * admin token, and with a ward coordinator's issued token) and RecordProgress on the real HTTP
 * application, with floors in the same run: a bare Fastify route returning a
 * small JSON, a bare route doing SELECT 1 on its own pg Pool (the app's pool size), a bare
 * route reading and sending a stored sheet's state (what GET renders from), and for RecordProgress the event
 * store's own append (16 writers, one event each, through EventStore.append). The load
 * is spread over sheets shaped like the seed 西区 地域課 (5 goals, 7 indicators, a year of
 * progress and results entered). Prints figures; asserts nothing.
 *
 *   BENCH_DATABASE_URL  admin URL (default postgres://postgres@127.0.0.1:5432/postgres); a fresh
 *                       database is created next to it and dropped at the end
 *   BENCH_SECONDS       measured seconds per scenario (default 10), after a 2 s warm-up of each
 *   BENCH_SHEETS        sheets the load is spread over (default 64)
 *   BENCH_SCENARIOS     which of get,progress to run after the floors (default both)
 *   BENCH_CONNECTIONS   default 16 (the goals' figure); 1 gives steadier CPU per request for A/B comparisons
 *
 * The load generator is this file again, forked with --load-generator: run in the server's
 * process, autocannon would share its event loop and pay for its own parsing and bookkeeping in
 * the server's latencies. In a child it has an event loop and a core of its own (shared with
 * Postgres: on a 2-core machine nothing is free). Latencies are the child's own sub-millisecond
 * timings of 2xx responses (autocannon's histogram keeps whole milliseconds).
 */
import { ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import fastify from 'fastify';
import { Pool } from 'pg';
import type { EventStore } from '@shinchoku/event-store';
import { peakRssMiB, withScratchDatabase } from './scratch-database';
import { table } from './table';
import { enterSheet, HEADERS, serveApi, type SeededSheet } from './api-server';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SHEETS = Number(process.env.BENCH_SHEETS ?? 64);
const ONLY = (process.env.BENCH_SCENARIOS ?? 'get,progress').split(',');
const WARMUP_SECONDS = 2;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const GOALS = { 'GET sheet': 10, RecordProgress: 50 } as const;
/** RecordProgress req/s against the store's raw appends/s, measured in the same run. */
const PROGRESS_RATIO_GOAL = 0.3;
/** Issue #14: a 課's own token costs about what the admin's does. */
const ISSUED_GOAL = { ratio: 0.7, p99: 10 } as const;

const LOAD_GENERATOR = '--load-generator';
/** Progress values count up from here: above every seed value, so each request is a real change. */
const FIRST_VALUE = 1_000_000;

/** What the child is asked to do: one scenario, warm-up then measured run. */
interface LoadPlan {
  origin: string;
  method: 'GET' | 'PUT';
  /** Taken in turn, one per request. */
  paths: string[];
  /** For PUT: the body is {"value": n}, n counting up from here. */
  valueFrom?: number;
  /** Instead of the bootstrap admin's HEADERS. */
  headers?: Record<string, string>;
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

interface LoadResult {
  /** Responses in the measured run, any status. */
  responses: number;
  seconds: number;
  /** Of 2xx responses, in ms. */
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** 2xx responses in the warm-up and the measured run together. */
  accepted: number;
  maxRssKiB: number;
}

// ---- the load generator (child process) ----

async function generateLoad(plan: LoadPlan): Promise<LoadResult> {
  let next = 0;
  const request: autocannon.Request = {
    method: plan.method,
    setupRequest: (req) => {
      const i = next++;
      return {
        ...req,
        path: plan.paths[i % plan.paths.length]!,
        ...(plan.valueFrom !== undefined && { body: JSON.stringify({ value: plan.valueFrom + i }) }),
      };
    },
  };
  const run = (seconds: number) =>
    new Promise<{ result: autocannon.Result; latencies: Float64Array }>((resolve, reject) => {
      let latencies = new Float64Array(1 << 16);
      let count = 0;
      const instance = autocannon(
        { url: plan.origin, connections: plan.connections, duration: seconds, headers: plan.headers ?? HEADERS, requests: [request] },
        (error: Error | null, result) => (error ? reject(error) : resolve({ result, latencies: latencies.subarray(0, count) })),
      );
      instance.on('response', (_client, status, _bytes, ms) => {
        if (status < 200 || status > 299) return;
        if (count === latencies.length) {
          const grown = new Float64Array(latencies.length * 2);
          grown.set(latencies);
          latencies = grown;
        }
        latencies[count++] = ms;
      });
    });

  const warmup = await run(plan.warmupSeconds);
  const { result, latencies } = await run(plan.seconds);
  latencies.sort();
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? NaN;
  return {
    responses: result.requests.total,
    seconds: result.duration,
    p50: at(0.5),
    p99: at(0.99),
    errors: result.errors,
    non2xx: result.non2xx,
    accepted: warmup.result['2xx'] + result['2xx'],
    maxRssKiB: process.resourceUsage().maxRSS,
  };
}

function serveLoad(): void {
  process.on('message', (plan: LoadPlan) => {
    generateLoad(plan).then(
      (result) => process.send!({ result }),
      (error: unknown) => process.send!({ error: String((error as Error)?.stack ?? error) }),
    );
  });
}

function ask(child: ChildProcess, plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const exited = (code: number | null) => reject(new Error(`the load generator exited (code ${code})`));
    child.once('exit', exited);
    child.once('message', (reply: { result?: LoadResult; error?: string }) => {
      child.off('exit', exited);
      if (reply.result) resolve(reply.result);
      else reject(new Error(`load generator: ${reply.error}`));
    });
    child.send(plan);
  });
}

// ---- the server side (this process) ----

/** CPU ms so far of each Postgres backend connected to the bench database (Linux /proc; clock ticks of 10 ms). */
async function backendCpu(pool: Pool): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      cpu.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // gone, or not on this machine
    }
  }
  return cpu;
}

/** CPU spent by the backends between two samples; a backend that appeared in between counts from zero. */
function backendCpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** A token for 西区's coordinator, issued over HTTP as an administrator would. */
async function coordinatorToken(origin: string): Promise<string> {
  const response = await fetch(`${origin}/api/v1/tokens`, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({ name: 'bench 西区 coordinator', grants: [{ role: 'coordinator', department: '西区' }] }),
  });
  if (response.status !== 201) throw new Error(`token refused (${response.status}): ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/**
 * The floor under RecordProgress: the event store's own append, `writers` loops each appending one
 * event at a time to a stream of its own, on the API's store and database. Appends/s and the
 * Postgres CPU per append.
 */
async function rawAppends(store: EventStore, pool: Pool, writers: number): Promise<{ rate: number; pgPerAppend: number }> {
  const context = { actor: { id: 'bench', name: 'ベンチマーク' }, source: 'bench' };
  const loop = async (seconds: number) => {
    const versions = Array.from({ length: writers }, () => 0);
    const streams = versions.map(() => `bench-append-${randomUUID()}`);
    const ends = performance.now() + seconds * 1000;
    let appended = 0;
    await Promise.all(
      streams.map(async (stream, i) => {
        while (performance.now() < ends) {
          const data = { indicatorId: randomUUID(), quarter: 2, value: 52, text: '52団体', note: '地域清掃の参加団体' };
          versions[i] = (await store.append(stream, versions[i]!, [{ type: 'ProgressRecorded', data }], context)).toVersion;
          appended += 1;
        }
      }),
    );
    return appended;
  };
  await loop(WARMUP_SECONDS);
  const pgBefore = await backendCpu(pool);
  const started = performance.now();
  const appended = await loop(SECONDS);
  const seconds = (performance.now() - started) / 1000;
  return { rate: appended / seconds, pgPerAppend: backendCpuSince(pgBefore, await backendCpu(pool)) / appended };
}

function main(): Promise<void> {
  return withScratchDatabase('api', measure);
}

async function measure(url: string): Promise<void> {
  const closing: Array<() => Promise<unknown> | void> = [];
  try {
    const { config, resources, origin: apiOrigin } = await serveApi(url, 'benchapi', closing);

    // The floors: plain Fastify, no Nest, no guard, no validation; the second adds one round trip to Postgres.
    const floorPool = new Pool({
      connectionString: url.toString(),
      max: config.databasePoolSize,
      application_name: 'shinchoku-bench-floor',
    });
    closing.unshift(() => floorPool.end());
    const bare = fastify();
    bare.get('/bare', async () => ({ ok: true, floor: 'bare' }));
    bare.get('/bare/select-1', async () => ({ ok: true, one: (await floorPool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one }));
    // The GET's own floor: the sheet's stored state read and sent as text, without Nest, authentication,
    // validation or rendering (GET renders the view from the state on a miss, and keeps it).
    bare.get<{ Params: { sheetId: string } }>('/bare/view/:sheetId', async (request, reply) => {
      const { rows } = await floorPool.query<{ state: string; version: string }>(
        'SELECT state::text AS state, version FROM sheets WHERE sheet_id = $1',
        [request.params.sheetId],
      );
      void reply.header('etag', `"${rows[0]!.version}"`).type('application/json; charset=utf-8');
      return rows[0]!.state;
    });
    closing.unshift(() => bare.close());
    const bareOrigin = await bare.listen({ port: 0, host: '127.0.0.1' });

    const child = fork(__filename, [LOAD_GENERATOR], { stdio: 'inherit' });
    closing.unshift(() => {
      if (child.connected) child.disconnect();
    });

    const pool = resources.database.pool;
    const { rows } = await pool.query<{ server_version: string }>('SHOW server_version');
    console.log(
      `PostgreSQL ${rows[0]?.server_version}, Node ${process.version}, ${cpus().length} CPUs, ` +
        `${CONNECTIONS} connections, ${SECONDS} s per scenario after ${WARMUP_SECONDS} s warm-up, ` +
        `app pool ${config.databasePoolSize}, load generator in a child process`,
    );

    const entered = Date.now();
    const sheets: SeededSheet[] = [];
    for (let n = 1; n <= SHEETS; n += 8) {
      const batch = Array.from({ length: Math.min(8, SHEETS - n + 1) }, (_, i) => enterSheet(apiOrigin, n + i));
      sheets.push(...(await Promise.all(batch)));
    }
    const streamLengths = async () => {
      const { rows } = await pool.query<{ min: string; max: string; total: string }>(
        `SELECT min(version), max(version), sum(version) AS total FROM streams WHERE stream_id LIKE 'sheet-%'`,
      );
      return { min: Number(rows[0]!.min), max: Number(rows[0]!.max), total: Number(rows[0]!.total) };
    };
    const before = await streamLengths();
    const lastPosition = (await pool.query<{ last: string }>('SELECT coalesce(max(global_position), 0) AS last FROM events')).rows[0]!.last;
    const sizes = await pool.query<{ state: string; stored: string; indicators: string }>(
      `SELECT avg(length(state::text))::int AS state, avg(pg_column_size(state))::int AS stored,
              (SELECT avg(length(indicator::text))::int * 7 FROM sheet_indicators) AS indicators FROM sheets`,
    );
    const size = sizes.rows[0]!;
    console.log(
      `${SHEETS} sheets like 西区 地域課 entered over HTTP in ${((Date.now() - entered) / 1000).toFixed(1)} s, ` +
        `${before.min}–${before.max} events each; projection per sheet: state ${size.state} B (${size.stored} B stored), ` +
        `indicator rows ${size.indicators} B\n`,
    );

    const plan = (
      origin: string,
      method: LoadPlan['method'],
      paths: string[],
      valueFrom?: number,
      headers?: Record<string, string>,
    ): LoadPlan => ({
      origin,
      method,
      paths,
      ...(valueFrom !== undefined && { valueFrom }),
      ...(headers && { headers }),
      connections: CONNECTIONS,
      warmupSeconds: WARMUP_SECONDS,
      seconds: SECONDS,
    });
    // Sheet varies fastest, so the requests in flight are on different sheets, as they would be in an office.
    const progressPaths: string[] = [];
    for (let quarter = 1; quarter <= 4; quarter++) {
      for (let i = 0; i < sheets[0]!.indicatorIds.length; i++) {
        for (const { sheetId, indicatorIds } of sheets)
          progressPaths.push(`/api/v1/sheets/${sheetId}/indicators/${indicatorIds[i]}/progress/${quarter}`);
      }
    }
    const issued = { authorization: `Bearer ${await coordinatorToken(apiOrigin)}`, 'content-type': 'application/json' };
    const scenarios: Array<[string, LoadPlan]> = [
      ['bare Fastify', plan(bareOrigin, 'GET', ['/bare'])],
      ['bare + SELECT 1', plan(bareOrigin, 'GET', ['/bare/select-1'])],
      ...(ONLY.includes('get')
        ? ([
            [
              'bare + sheet state',
              plan(
                bareOrigin,
                'GET',
                sheets.map((s) => `/bare/view/${s.sheetId}`),
              ),
            ],
            [
              'GET sheet',
              plan(
                apiOrigin,
                'GET',
                sheets.map((s) => `/api/v1/sheets/${s.sheetId}`),
              ),
            ],
            // What staff send: a token the database issued (looked up once per process, then served
            // from memory until revoked), scoped to the ward, so the guard checks the sheet's scope.
            [
              'GET, issued token',
              plan(
                apiOrigin,
                'GET',
                sheets.map((s) => `/api/v1/sheets/${s.sheetId}`),
                undefined,
                issued,
              ),
            ],
          ] as Array<[string, LoadPlan]>)
        : []),
      // Written as staff write it: with the ward coordinator's issued token.
      ...(ONLY.includes('progress')
        ? [['RecordProgress', plan(apiOrigin, 'PUT', progressPaths, FIRST_VALUE, issued)] as [string, LoadPlan]]
        : []),
    ];

    const header = [
      'scenario',
      'req/s',
      'p50 ms',
      'p99 ms',
      'CPU ms/req',
      'PG ms/req',
      'errors',
      'non-2xx',
      '÷ bare',
      '÷ SELECT 1',
      'p99 × bare',
      'p99 × SELECT 1',
    ];
    const widths = [19, 9, 9, 9, 12, 11, 8, 9, 8, 12, 12, 14];
    const row = table(header, widths);
    const results = new Map<string, LoadResult & { rate: number; cpuPerRequest: number }>();
    let childRssKiB = 0;
    for (const [title, load] of scenarios) {
      // The server's own CPU (user + system) over warm-up and run, per 2xx answered: steadier than
      // latency when other work shares the machine.
      const cpuBefore = process.cpuUsage();
      const pgBefore = await backendCpu(floorPool);
      const result = await ask(child, load);
      const cpu = process.cpuUsage(cpuBefore);
      const pgCpu = backendCpuSince(pgBefore, await backendCpu(floorPool));
      const cpuPerRequest = (cpu.user + cpu.system) / 1000 / Math.max(1, result.accepted);
      const pgPerRequest = pgCpu / Math.max(1, result.accepted);
      const rate = result.responses / result.seconds;
      results.set(title, { ...result, rate, cpuPerRequest });
      childRssKiB = Math.max(childRssKiB, result.maxRssKiB);
      const floor = results.get('bare Fastify')!.rate;
      const selectFloor = results.get('bare + SELECT 1')?.rate;
      row([
        title,
        rate.toFixed(0),
        result.p50.toFixed(2),
        result.p99.toFixed(2),
        cpuPerRequest.toFixed(3),
        pgPerRequest.toFixed(3),
        String(result.errors),
        String(result.non2xx),
        (rate / floor).toFixed(3),
        selectFloor ? (rate / selectFloor).toFixed(3) : '',
        (result.p99 / results.get('bare Fastify')!.p99).toFixed(2),
        selectFloor ? (result.p99 / results.get('bare + SELECT 1')!.p99).toFixed(2) : '',
      ]);
    }

    if (results.has('RecordProgress')) {
      // Right after RecordProgress, on the same database as it left it.
      const floor = await rawAppends(resources.store, floorPool, CONNECTIONS);
      const progress = results.get('RecordProgress')!;
      const ratio = progress.rate / floor.rate;
      console.log(
        `\nthe store's raw append, ${CONNECTIONS} writers, 1 event each: ${floor.rate.toFixed(0)} appends/s, PG ${floor.pgPerAppend.toFixed(3)} ms/append\n` +
          `goal: RecordProgress (issued token) ÷ raw appends/s >= ${PROGRESS_RATIO_GOAL}: ${ratio >= PROGRESS_RATIO_GOAL ? 'met' : 'NOT met'} (${ratio.toFixed(3)})`,
      );
      const after = await streamLengths();
      const { accepted } = results.get('RecordProgress')!;
      const appended = after.total - before.total;
      console.log(
        `\nRecordProgress: ${appended} events appended for ${accepted} 2xx counted (warm-up included; requests in flight ` +
          `when a run stops are applied, not counted): ${appended >= accepted ? 'none was a no-op' : `${accepted - appended} no-ops`}; ` +
          `sheet streams ${before.min}–${before.max} events before, ${after.min}–${after.max} after (busiest: ${after.max})`,
      );
      // Commands of different sheets in flight together are appended in one statement (GroupCommit).
      const { rows } = await pool.query<{ events: string; transactions: string }>(
        `SELECT count(*) AS events, count(DISTINCT transaction_id) AS transactions FROM events
         WHERE global_position > $1 AND stream_id LIKE 'sheet-%'`,
        [lastPosition],
      );
      const grouped = rows[0]!;
      console.log(
        `RecordProgress's events went in ${grouped.transactions} transactions, ` +
          `${(Number(grouped.events) / Number(grouped.transactions)).toFixed(1)} on average`,
      );
    }
    console.log(`peak RSS: server ${peakRssMiB()} MiB, load generator ${(childRssKiB / 1024).toFixed(0)} MiB`);
    const view = results.get('bare + sheet state');
    const get = results.get('GET sheet');
    if (view && get) {
      console.log(
        `GET sheet against the same read in bare Fastify: CPU ${(get.cpuPerRequest / view.cpuPerRequest).toFixed(2)}×, ` +
          `p99 ${(get.p99 / view.p99).toFixed(2)}×, req/s ${(get.rate / view.rate).toFixed(2)}×`,
      );
    }
    const issuedGet = results.get('GET, issued token');
    if (get && issuedGet) {
      const ratio = issuedGet.rate / get.rate;
      console.log(
        `goal: issued-token GET ≥ ${ISSUED_GOAL.ratio}× admin GET: ${ratio >= ISSUED_GOAL.ratio ? 'met' : 'NOT met'} (${ratio.toFixed(2)}×; ` +
          `CPU ms/req ${issuedGet.cpuPerRequest.toFixed(3)} against ${get.cpuPerRequest.toFixed(3)}, ${(issuedGet.cpuPerRequest / get.cpuPerRequest).toFixed(2)}×)`,
      );
      console.log(
        `goal: issued-token GET p99 ≤ ${ISSUED_GOAL.p99} ms: ${issuedGet.p99 <= ISSUED_GOAL.p99 ? 'met' : 'NOT met'} (${issuedGet.p99.toFixed(2)} ms)`,
      );
    }
    for (const [title, limit] of Object.entries(GOALS)) {
      if (!results.has(title)) continue;
      const { p99 } = results.get(title)!;
      console.log(
        `goal: ${title === 'GET sheet' ? 'GET' : title} p99 < ${limit} ms: ${p99 < limit ? 'met' : 'NOT met'} (${p99.toFixed(2)} ms)`,
      );
    }
  } finally {
    for (const close of closing)
      await Promise.resolve()
        .then(close)
        .catch((error: unknown) => console.error(error));
  }
}

if (process.argv.includes(LOAD_GENERATOR)) {
  serveLoad();
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
