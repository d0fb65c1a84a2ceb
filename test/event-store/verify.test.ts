import { sql } from 'kysely';
import { EventStore, verifyEventChains } from '@shinchoku/event-store';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { progress, streamId, tester } from '../support/events';

let database: TestDatabase;
let store: EventStore;

beforeEach(async () => {
  database = await createTestDatabase(4);
  store = new EventStore(database.db);
});
afterEach(() => database.close());

/** Behind the store's back, as a superuser could: with triggers switched off for this session. */
async function tamper(statement: ReturnType<typeof sql>) {
  await database.db.connection().execute(async (session) => {
    await sql`SET session_replication_role = replica`.execute(session);
    await statement.execute(session);
    await sql`SET session_replication_role = DEFAULT`.execute(session);
  });
}

async function threeStreams() {
  const ids = [streamId('a'), streamId('b'), streamId('c')];
  for (const id of ids) {
    await store.append(id, 0, [progress(1), progress(2)], tester);
    await store.append(id, 2, [progress(3)], tester);
  }
  return ids;
}

describe('hash chain verification', () => {
  it('reports ok with counts for an untouched store', async () => {
    await threeStreams();
    expect(await verifyEventChains(database.db)).toEqual({ ok: true, streams: 3, events: 9, broken: [] });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of events through plain SQL', async () => {
    const [id] = await threeStreams();
    await expect(sql`UPDATE events SET data = '{}' WHERE stream_id = ${id!}`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM events WHERE stream_id = ${id!}`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE events`.execute(database.db)).rejects.toThrow(/append-only/);
  });

  it("catches an UPDATE of an event's data and names that event", async () => {
    const [, id] = await threeStreams();
    const [, second] = await store.readStream(id!);
    await tamper(sql`UPDATE events SET data = jsonb_set(data, '{value}', '99') WHERE event_id = ${second!.eventId}`);

    const report = await verifyEventChains(database.db);
    expect(report.ok).toBe(false);
    expect(report.broken).toEqual([
      {
        streamId: id,
        version: 2,
        eventId: second!.eventId,
        globalPosition: second!.globalPosition.toString(),
        problem: 'contentChanged',
      },
    ]);
  });

  it('catches edited metadata (a rewritten actor) as well', async () => {
    const [id] = await threeStreams();
    await tamper(
      sql`UPDATE events SET metadata = jsonb_set(metadata, '{actor,name}', '"someone else"') WHERE stream_id = ${id!} AND stream_version = 1`,
    );
    expect((await verifyEventChains(database.db)).broken).toMatchObject([{ streamId: id, version: 1, problem: 'contentChanged' }]);
  });

  it('catches an edit whose hash was recomputed, at the next event', async () => {
    const [id] = await threeStreams();
    await tamper(sql`
      UPDATE events SET data = '{"value": 0}',
        hash = event_hash(prev_hash, stream_id, stream_version, event_id, event_type, schema_version,
                          '{"value": 0}'::jsonb, metadata, recorded_at)
       WHERE stream_id = ${id!} AND stream_version = 1`);
    expect((await verifyEventChains(database.db)).broken).toMatchObject([{ streamId: id, version: 2, problem: 'chainBroken' }]);
  });

  it('catches a deleted event in the middle of a stream', async () => {
    const [id] = await threeStreams();
    await tamper(sql`DELETE FROM events WHERE stream_id = ${id!} AND stream_version = 2`);
    expect((await verifyEventChains(database.db)).broken).toMatchObject([{ streamId: id, version: 3, problem: 'versionGap' }]);
  });

  it('catches a deleted last event through the stream head', async () => {
    const [, , id] = await threeStreams();
    await tamper(sql`DELETE FROM events WHERE stream_id = ${id!} AND stream_version = 3`);
    expect((await verifyEventChains(database.db)).broken).toMatchObject([{ streamId: id, version: 3, problem: 'headMismatch' }]);
  });

  it('names the first broken event of each broken stream', async () => {
    const [a, b] = await threeStreams();
    await tamper(sql`UPDATE events SET data = '{}' WHERE stream_id = ${a!} AND stream_version >= 2`);
    await tamper(sql`UPDATE events SET event_type = 'Forged' WHERE stream_id = ${b!} AND stream_version = 3`);
    const report = await verifyEventChains(database.db);
    expect(report.broken.map((x) => [x.streamId, x.version, x.problem])).toEqual(
      [
        [a, 2, 'contentChanged'],
        [b, 3, 'contentChanged'],
      ].sort(([x], [y]) => String(x).localeCompare(String(y))),
    );
  });
});
