/**
 * Append throughput: the event store against a raw single-row INSERT loop of the same row shape,
 * on the same pool, and against a peer event store, Emmett's PostgreSQL store, in a database of
 * its own on the same server, at 1, 4 and 16 concurrent writers. Also the same store's appends
 * through a GroupCommit, as commands send them: what writers in flight together gain by sharing a
 * statement (the floor of bench:api's RecordProgress ratio is the plain append). Prints figures;
 * asserts nothing.
 *
 *   BENCH_DATABASE_URL  admin URL (default postgres://postgres@127.0.0.1:5432/postgres); a fresh
 *                       database is created next to it and dropped at the end
 *   BENCH_SECONDS       measured seconds per side and configuration (default 5), in alternating
 *                       slices after a 1 s warm-up of each side
 */
import { createHash, randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { getPostgreSQLEventStore, type PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import { peakRssMiB, withScratchDatabase } from './scratch-database';
import { table } from './table';
import { sql } from 'kysely';
import { openDatabase } from '@shinchoku/database';
import { migrateToLatest } from '../../db/migrate';
import { EventStore, GroupCommit } from '@shinchoku/event-store';
import type { AppendContext, EventMetadata, NewEvent } from '@shinchoku/event-store';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_MS = 1000;
const SLICES = 10;
const WRITERS = [1, 4, 16];
const EVENTS_PER_APPEND = [1, 10];
const GOAL = 0.6;

const context: AppendContext = { actor: { id: 'bench', name: 'ベンチマーク' }, source: 'bench' };

const progressRecorded = () => ({ indicatorId: randomUUID(), quarter: 2, value: 52, text: '52団体', note: '地域清掃の参加団体' });

function newEvents(count: number): NewEvent[] {
  return Array.from({ length: count }, () => ({ type: 'ProgressRecorded', data: progressRecorded() }));
}

/** One writer's unit of work: an append of n events, or n raw INSERTs. */
type Unit = () => Promise<void>;

function storeWriter(store: EventStore, streamId: string, n: number): Unit {
  let version = 0;
  return async () => {
    version = (await store.append(streamId, version, newEvents(n), context)).toVersion;
  };
}

/** The store's appends as commands make them: through a GroupCommit shared by the writers. */
function groupedWriter(group: GroupCommit, streamId: string, n: number): Unit {
  let version = 0;
  return async () => {
    version = (await group.append({ streamId, expectedVersion: version, commands: [{ events: newEvents(n), context }] })).toVersion;
  };
}

/** The same events through Emmett, with the same metadata and its expected-version check. */
function emmettWriter(emmett: PostgresEventStore, streamId: string, n: number): Unit {
  let version: bigint | undefined;
  return async () => {
    const commandId = randomUUID();
    const metadata = { ...context, commandId, correlationId: commandId };
    const events = Array.from({ length: n }, () => ({ type: 'ProgressRecorded', data: progressRecorded(), metadata }));
    // Emmett's own spelling for "no stream yet"; after that, the version its last append returned.
    const expectedStreamVersion = version ?? 'STREAM_DOES_NOT_EXIST';
    version = (await emmett.appendToStream(streamId, events, { expectedStreamVersion })).nextExpectedStreamVersion;
  };
}

function rawWriter(pool: Pool, streamId: string, n: number): Unit {
  let version = 0;
  let prevHash: Buffer | null = null;
  return async () => {
    // What the store does per append, minus the store: metadata, one timestamp, a hash chain.
    const commandId = randomUUID();
    const metadata: EventMetadata = { ...context, commandId, correlationId: commandId };
    const recordedAt = new Date();
    for (const event of newEvents(n)) {
      version += 1;
      const eventId = randomUUID();
      const hash = createHash('sha256')
        .update(prevHash ?? Buffer.alloc(0))
        .update(JSON.stringify([streamId, version, eventId, event.type, 1, event.data, metadata, recordedAt]))
        .digest();
      await pool.query(
        `INSERT INTO bench_raw (event_id, stream_id, stream_version, event_type, schema_version,
                                data, metadata, recorded_at, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [eventId, streamId, version, event.type, 1, event.data, metadata, recordedAt, prevHash, hash],
      );
      prevHash = hash;
    }
  };
}

interface Tally {
  units: number;
  seconds: number;
}

/** Runs every writer's loop for `ms`, adding to `tally`; units still in flight when time is up are not counted. */
async function runFor(writers: Unit[], ms: number, tally: Tally = { units: 0, seconds: 0 }): Promise<void> {
  let done = 0;
  let stop = false;
  const loops = writers.map(async (unit) => {
    while (!stop) {
      await unit();
      done += 1;
    }
  });
  const start = performance.now();
  await sleep(ms);
  tally.units += done;
  tally.seconds += (performance.now() - start) / 1000;
  stop = true;
  await Promise.all(loops);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function main(): Promise<void> {
  return withScratchDatabase('append', (url) => withScratchDatabase('append_emmett', (emmettUrl) => measure(url, emmettUrl)));
}

async function measure(url: string, emmettUrl: string): Promise<void> {
  const database = openDatabase({ url, poolSize: 20, applicationName: 'shinchoku-bench' });
  const { db, pool } = database;
  // The same pool size as the store's; Emmett creates its schema on the first append (the warm-up).
  const emmettPool = new Pool({ connectionString: emmettUrl, max: 20, application_name: 'shinchoku-bench-emmett' });
  // As openDatabase does for the store's pool: an idle connection the server drops must not end the run.
  emmettPool.on('error', () => undefined);
  const emmett = getPostgreSQLEventStore(emmettUrl, { connectionOptions: { pool: emmettPool } });
  try {
    await migrateToLatest(db);
    // The same columns, defaults and indexes as events, so both sides maintain the same row and keys.
    await sql`CREATE TABLE bench_raw (LIKE events INCLUDING ALL)`.execute(db);
    const store = new EventStore(db);
    const { rows } = await pool.query<{ server_version: string }>('SHOW server_version');
    console.log(
      `PostgreSQL ${rows[0]?.server_version}, Node ${process.version}, ${cpus().length} CPUs, ` +
        `${SECONDS} s per side and configuration after ${WARMUP_MS / 1000} s warm-up\n`,
    );

    const header = [
      'writers',
      'events/append',
      'store appends/s',
      'store events/s',
      'raw rows/s',
      'ratio',
      'Emmett appends/s',
      'store ÷ Emmett',
      'grouped appends/s',
      'grouped ÷ store',
    ];
    const widths = header.map((h) => h.length + 2);
    const row = table(header, widths);

    const ratioAt16 = new Map<number, number>();
    const emmettRatioAt16 = new Map<number, number>();
    let config = 0;
    for (const writers of WRITERS) {
      for (const n of EVENTS_PER_APPEND) {
        config += 1;
        const stores = Array.from({ length: writers }, (_, i) => storeWriter(store, `store-${config}-${i}`, n));
        const raws = Array.from({ length: writers }, (_, i) => rawWriter(pool, `raw-${config}-${i}`, n));
        const emmetts = Array.from({ length: writers }, (_, i) => emmettWriter(emmett, `emmett-${config}-${i}`, n));
        const group = new GroupCommit(store);
        const groupeds = Array.from({ length: writers }, (_, i) => groupedWriter(group, `grouped-${config}-${i}`, n));
        await runFor(stores, WARMUP_MS);
        await runFor(raws, WARMUP_MS);
        await runFor(emmetts, WARMUP_MS);
        await runFor(groupeds, WARMUP_MS);
        // Short slices, each side first in turn, so that the disk's and the machine's swings hit every side alike.
        const storeTally: Tally = { units: 0, seconds: 0 };
        const rawTally: Tally = { units: 0, seconds: 0 };
        const emmettTally: Tally = { units: 0, seconds: 0 };
        const groupedTally: Tally = { units: 0, seconds: 0 };
        const sides: Array<[Unit[], Tally]> = [
          [stores, storeTally],
          [raws, rawTally],
          [emmetts, emmettTally],
          [groupeds, groupedTally],
        ];
        for (let slice = 0; slice < SLICES; slice++) {
          const order = [...sides.slice(slice % sides.length), ...sides.slice(0, slice % sides.length)];
          for (const [units, tally] of order) await runFor(units, (SECONDS * 1000) / SLICES, tally);
        }

        const appends = storeTally.units / storeTally.seconds;
        const rawRows = (rawTally.units * n) / rawTally.seconds;
        const ratio = (appends * n) / rawRows;
        const emmettAppends = emmettTally.units / emmettTally.seconds;
        const groupedAppends = groupedTally.units / groupedTally.seconds;
        if (writers === 16) {
          ratioAt16.set(n, ratio);
          emmettRatioAt16.set(n, appends / emmettAppends);
        }
        row([
          String(writers),
          String(n),
          appends.toFixed(0),
          (appends * n).toFixed(0),
          rawRows.toFixed(0),
          ratio.toFixed(2),
          emmettAppends.toFixed(0),
          (appends / emmettAppends).toFixed(2),
          groupedAppends.toFixed(0),
          (groupedAppends / appends).toFixed(2),
        ]);
      }
    }

    console.log(`\npeak RSS: ${peakRssMiB()} MiB`);
    for (const [n, ratio] of ratioAt16) {
      const verdict = ratio >= GOAL ? 'met' : 'NOT met';
      console.log(`goal: ratio >= ${GOAL} at 16 writers, ${n} events/append: ${verdict} (${ratio.toFixed(2)})`);
    }
    for (const [n, ratio] of emmettRatioAt16) {
      console.log(
        `goal: ahead of Emmett at 16 writers, ${n} events/append: ${ratio > 1 ? 'met' : 'NOT met'} (shinchoku ÷ Emmett ${ratio.toFixed(2)})`,
      );
    }
  } finally {
    await emmett.close();
    await emmettPool.end().catch(() => undefined);
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
