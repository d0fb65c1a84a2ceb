import { Transaction, sql } from 'kysely';
import type { Database } from '@shinchoku/database';
import { EventStore, StoredEvent } from '@shinchoku/event-store';
import { Processor, ProcessorRunner } from '@shinchoku/processors';
import { DatabaseHandle, openDatabase } from '@shinchoku/database';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { progress, streamId, tester } from '../support/events';

let database: TestDatabase;
let store: EventStore;
const extraHandles: DatabaseHandle[] = [];

beforeEach(async () => {
  database = await createTestDatabase(8);
  store = new EventStore(database.db);
  // No primary key on purpose: a double-applied event would show up as a second row.
  await sql`CREATE TABLE applied (global_position bigint NOT NULL, stream_id text, instance text)`.execute(database.db);
});
afterEach(async () => {
  await Promise.all(extraHandles.splice(0).map((h) => h.close()));
  await database.close();
});

/** Records every event it is handed, tagged with the instance that handled it. */
function recorder(instance: string, hooks: { during?: (trx: Transaction<Database>) => Promise<void> } = {}): Processor {
  return {
    name: 'recorder',
    async handle(events: readonly StoredEvent[], trx: Transaction<Database>) {
      for (const event of events) {
        await sql`INSERT INTO applied VALUES (${event.globalPosition.toString()}, ${event.streamId}, ${instance})`.execute(trx);
      }
      await hooks.during?.(trx);
    },
    async reset(trx) {
      await sql`DELETE FROM applied`.execute(trx);
    },
  };
}

const runnerOn = (db: DatabaseHandle, processor: Processor, onError?: () => void) =>
  new ProcessorRunner(db.db, new EventStore(db.db), [processor], {
    batchSize: 10,
    pollIntervalMs: 20,
    ...(onError && { onError }),
  });

async function appendMany(count: number): Promise<bigint[]> {
  const positions: bigint[] = [];
  for (let i = 0; i < count; i++) {
    positions.push((await store.append(streamId(), 0, [progress(i)], tester)).firstPosition);
  }
  return positions;
}

const appliedRows = async () =>
  (
    await sql<{
      global_position: string;
      instance: string;
    }>`SELECT global_position, instance FROM applied ORDER BY global_position`.execute(database.db)
  ).rows;

async function eventually(check: () => Promise<boolean>, what: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const asStrings = (positions: bigint[]) => positions.map(String).sort((a, b) => Number(a) - Number(b));

describe('processor runner', () => {
  it('processes the feed in batches, checkpointing each, and resumes where it stopped', async () => {
    const first = await appendMany(25);
    const runner = runnerOn(database, recorder('one'));
    const processor = recorder('one');
    await eventually(async () => (await runner.catchUp(processor), (await appliedRows()).length === 25), '25 rows');

    const checkpoint = await database.db.selectFrom('processor_checkpoints').selectAll().executeTakeFirstOrThrow();
    expect(checkpoint.processor).toBe('recorder');
    expect(checkpoint.global_position).toBe(first.at(-1)!.toString());

    const more = await appendMany(5);
    await eventually(async () => (await runner.catchUp(processor), (await appliedRows()).length === 30), '30 rows');
    expect((await appliedRows()).map((r) => r.global_position)).toEqual(asStrings([...first, ...more]));
  });

  it('resumes a batch killed midway without losing or double-applying an event', async () => {
    const positions = await appendMany(25);
    let killed = false;
    const killer = recorder('doomed', {
      async during(trx) {
        if (killed) return;
        killed = true;
        // The batch has written its rows; now its session dies, as it would with the process.
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
        await sql`SELECT pg_terminate_backend(${rows[0]!.pid})`.execute(database.db);
        await sql`SELECT 1`.execute(trx);
      },
    });
    const doomed = runnerOn(database, killer);
    // The feed may hold events back behind another database's open transaction: retry until the
    // batch that dies has run.
    await eventually(async () => (await doomed.processBatch(killer).catch(() => -1)) === -1 && killed, 'the batch to be killed');
    expect(await appliedRows()).toEqual([]);

    const survivor = runnerOn(database, recorder('survivor'));
    await eventually(async () => (await survivor.catchUp(recorder('survivor')), (await appliedRows()).length >= 25), 'all 25 events');
    const rows = await appliedRows();
    expect(rows.map((r) => r.global_position)).toEqual(asStrings(positions));
    expect(new Set(rows.map((r) => r.instance))).toEqual(new Set(['survivor']));
  });

  it('rolls back a failing batch and reports it, then carries on once the fault clears', async () => {
    await appendMany(3);
    let failing = true;
    const errors: unknown[] = [];
    const flaky = recorder('flaky', {
      async during() {
        if (failing) throw new Error('downstream unavailable');
      },
    });
    const runner = runnerOn(database, flaky, (...args: unknown[]) => void errors.push(args));
    runner.start();
    await eventually(async () => errors.length >= 2, 'two reported failures');
    expect(await appliedRows()).toEqual([]);
    failing = false;
    await eventually(async () => (await appliedRows()).length === 3, 'the batch after recovery');
    await runner.stop();
    expect(await appliedRows()).toHaveLength(3);
  });

  it('lets only one of two running instances advance a processor, and the other take over when it stops', async () => {
    const handles = [openDatabase({ url: database.url, poolSize: 4 }), openDatabase({ url: database.url, poolSize: 4 })];
    extraHandles.push(...handles);
    const a = runnerOn(handles[0]!, recorder('A'));
    const b = runnerOn(handles[1]!, recorder('B'));
    a.start();
    await eventually(async () => (await sql`SELECT 1 FROM processor_checkpoints`.execute(database.db)).rows.length > 0, 'A to lead');
    b.start();

    const firstWave = await appendMany(40);
    await eventually(async () => (await appliedRows()).length >= 40, 'the first wave');
    expect(new Set((await appliedRows()).map((r) => r.instance))).toEqual(new Set(['A']));

    await a.stop();
    const secondWave = await appendMany(20);
    await eventually(async () => (await appliedRows()).length >= 60, 'the second wave, by B');
    await b.stop();

    const rows = await appliedRows();
    expect(rows.map((r) => r.global_position)).toEqual(asStrings([...firstWave, ...secondWave]));
    expect(rows.filter((r) => r.instance === 'B').map((r) => r.global_position)).toEqual(asStrings(secondWave));
  });

  it('rebuilds by stream in one transaction up to the end of the feed, and carries on from there', async () => {
    const stream = streamId('replay');
    const positions: bigint[] = [];
    for (let i = 0; i < 3; i++) positions.push((await store.append(stream, i, [progress(i)], tester)).firstPosition);
    positions.push(...(await appendMany(4)));
    const handed: string[][] = [];
    let finished = 0;
    const processor: Processor = {
      ...recorder('one'),
      byStream: {
        prefixes: ['replay-', 'sheet-'],
        async handle(streams, trx) {
          for (const events of streams) {
            handed.push(events.map((e) => e.streamId));
            for (const e of events)
              await sql`INSERT INTO applied VALUES (${e.globalPosition.toString()}, ${e.streamId}, 'rebuild')`.execute(trx);
          }
        },
        async finish() {
          finished += 1;
        },
      },
    };
    const runner = runnerOn(database, processor);
    await sql`INSERT INTO applied VALUES (-1, 'stray', 'x')`.execute(database.db);
    // The feed may hold events back behind another database's open transaction: retry until it has all.
    const rebuilt = async () => {
      [handed.length, finished] = [0, 0];
      return (await runner.rebuildByStream(processor)) === 7;
    };
    await eventually(rebuilt, 'all 7 events');

    // Whole streams, each once, in the order of the prefixes; finished once.
    expect(handed).toHaveLength(5);
    expect(handed[0]).toEqual([stream, stream, stream]);
    expect(finished).toBe(1);
    expect((await appliedRows()).map((r) => r.global_position)).toEqual(asStrings(positions));

    const more = await appendMany(2);
    await eventually(async () => (await runner.catchUp(processor), (await appliedRows()).length === 9), 'the 2 later events');
    const rows = await appliedRows();
    expect(rows.map((r) => r.global_position)).toEqual(asStrings([...positions, ...more]));
    expect(rows.filter((r) => r.instance === 'one').map((r) => r.global_position)).toEqual(asStrings(more));
  });

  it('skips its turn, without waiting or failing, while a rebuild holds the checkpoint, and carries on after', async () => {
    const positions = await appendMany(3);
    const errors: unknown[] = [];
    // A serving pool, whose lock bound would fail a batch that queued behind the rebuild.
    const serving = openDatabase({
      url: database.url,
      poolSize: 2,
      timeouts: { statementMs: 5_000, lockMs: 200, idleInTransactionMs: 0, poolWaitMs: 2_000 },
    });
    extraHandles.push(serving);
    const runner = runnerOn(serving, recorder('live'), () => errors.push('error'));
    await runner.processBatch(recorder('live'));
    const rebuilding = await database.pool.connect();
    try {
      await rebuilding.query('BEGIN');
      await rebuilding.query(`SELECT 1 FROM processor_checkpoints WHERE processor = 'recorder' FOR UPDATE`);
      await appendMany(1);
      expect(await runner.processBatch(recorder('live'))).toBe(0);
    } finally {
      await rebuilding.query('ROLLBACK');
      rebuilding.release();
    }
    await eventually(
      async () => (await runner.catchUp(recorder('live')), (await appliedRows()).length === 4),
      'the event appended meanwhile',
    );
    expect((await appliedRows()).slice(0, 3).map((r) => r.global_position)).toEqual(asStrings(positions));
    expect(errors).toEqual([]);
  });

  it('rebuilds from zero to exactly the state it had', async () => {
    await appendMany(23);
    const processor = recorder('one');
    const runner = runnerOn(database, processor);
    await eventually(async () => (await runner.catchUp(processor), (await appliedRows()).length === 23), '23 rows');
    const checksum = () =>
      sql<{ sum: string }>`SELECT md5(string_agg(global_position::text || stream_id, ',' ORDER BY global_position)) AS sum FROM applied`
        .execute(database.db)
        .then(({ rows }) => rows[0]!.sum);
    const before = await checksum();

    await sql`INSERT INTO applied VALUES (-1, 'stray', 'x')`.execute(database.db);
    await eventually(async () => (await runner.rebuild(processor), (await appliedRows()).length === 23), 'the rebuild');
    expect(await checksum()).toBe(before);
  });
});
