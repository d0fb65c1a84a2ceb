import { Kysely, sql } from 'kysely';
import { CommandIdReusedError, EventStore, WrongExpectedVersionError, EmptyAppendError } from '@shinchoku/event-store';
import type { Database } from '@shinchoku/database';
import { useTestStore } from '../support/test-database';
import { progress, streamId, tester } from '../support/events';

const ctx = useTestStore();

const versionsOf = async (id: string) => (await ctx.store.readStream(id)).map((e) => e.version);

describe('append and read', () => {
  it('appends to a new stream and reads the events back with their metadata', async () => {
    const id = streamId();
    const result = await ctx.store.append(id, 0, [progress(48), progress(52, 2)], {
      ...tester,
      reason: '集計漏れ',
      correlationId: 'corr-1',
      causationId: 'cause-1',
    });

    expect(result).toMatchObject({ streamId: id, fromVersion: 1, toVersion: 2, duplicate: false });
    expect(result.lastPosition).toBeGreaterThan(result.firstPosition);
    const events = await ctx.store.readStream(id);
    expect(events.map((e) => [e.version, e.type, e.data])).toEqual([
      [1, 'ProgressRecorded', { indicatorId: 'sns-posts', quarter: 1, value: 48, text: '48件' }],
      [2, 'ProgressRecorded', { indicatorId: 'sns-posts', quarter: 2, value: 52, text: '52件' }],
    ]);
    for (const event of events) {
      expect(event.metadata).toEqual({
        actor: { id: 'u-test', name: 'テスト 太郎' },
        commandId: expect.any(String),
        correlationId: 'corr-1',
        causationId: 'cause-1',
        reason: '集計漏れ',
        source: 'test',
      });
      expect(event.recordedAt).toEqual(result.recordedAt);
      expect(event.schemaVersion).toBe(1);
    }
    expect(events[0]!.metadata.commandId).toBe(events[1]!.metadata.commandId);
    expect(await ctx.store.streamVersion(id)).toBe(2);
  });

  it('defaults the correlation id to the command id', async () => {
    const id = streamId();
    await ctx.store.append(id, 0, [progress(1)], tester);
    const [event] = await ctx.store.readStream(id);
    expect(event!.metadata.correlationId).toBe(event!.metadata.commandId);
  });

  it('reads a stream up to a version and up to a moment', async () => {
    const id = streamId();
    const first = await ctx.store.append(id, 0, [progress(1)], tester);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await ctx.store.append(id, 1, [progress(2)], tester);
    await ctx.store.append(id, 2, [progress(3)], tester);

    expect(await ctx.store.readStream(id, { toVersion: 2 }).then((es) => es.map((e) => e.version))).toEqual([1, 2]);
    expect((await ctx.store.readStream(id, { asOf: first.recordedAt })).map((e) => e.version)).toEqual([1]);
    expect((await ctx.store.readStream(id, { asOf: second.recordedAt })).map((e) => e.version)).toContain(2);
    expect(await ctx.store.readStream(id, { asOf: new Date(first.recordedAt.getTime() - 1) })).toEqual([]);
  });

  it('reads nothing for a stream that does not exist', async () => {
    expect(await ctx.store.readStream(streamId())).toEqual([]);
    expect(await ctx.store.streamVersion(streamId())).toBe(0);
  });

  it('refuses an append without events', async () => {
    await expect(ctx.store.append(streamId(), 0, [], tester)).rejects.toBeInstanceOf(EmptyAppendError);
  });

  it('keeps recorded times monotonic within a stream', async () => {
    const id = streamId();
    for (let v = 0; v < 20; v++) await ctx.store.append(id, v, [progress(v)], tester);
    const times = (await ctx.store.readStream(id)).map((e) => e.recordedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('optimistic concurrency', () => {
  it('rejects a stale expected version with the expected and actual versions', async () => {
    const id = streamId();
    await ctx.store.append(id, 0, [progress(1), progress(2)], tester);
    const error = await ctx.store.append(id, 1, [progress(3)], tester).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ streamId: id, expectedVersion: 1, actualVersion: 2 });
    expect(await versionsOf(id)).toEqual([1, 2]);
  });

  it('treats 0 as "the stream must not exist yet"', async () => {
    const id = streamId();
    await ctx.store.append(id, 0, [progress(1)], tester);
    await expect(ctx.store.append(id, 0, [progress(2)], tester)).rejects.toMatchObject({ actualVersion: 1 });
  });

  it("appends at any version with 'any'", async () => {
    const id = streamId();
    await ctx.store.append(id, 'any', [progress(1)], tester);
    await ctx.store.append(id, 'any', [progress(2)], tester);
    expect(await versionsOf(id)).toEqual([1, 2]);
  });

  it('lets exactly one of 32 concurrent appenders with the same expected version win', async () => {
    const id = streamId();
    await ctx.store.append(id, 0, [progress(0)], tester);
    const outcomes = await Promise.allSettled(Array.from({ length: 32 }, (_, i) => ctx.store.append(id, 1, [progress(i)], tester)));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(31);
    for (const { reason } of lost) {
      expect(reason).toBeInstanceOf(WrongExpectedVersionError);
      expect(reason).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    }
    expect(await versionsOf(id)).toEqual([1, 2]);
  });

  it('lands all 32 concurrent appenders with a retry loop, contiguous and without duplicates', async () => {
    const id = streamId();
    const appendWithRetry = async (value: number) => {
      for (;;) {
        const version = await ctx.store.streamVersion(id);
        try {
          return await ctx.store.append(id, version, [progress(value)], tester);
        } catch (error) {
          if (!(error instanceof WrongExpectedVersionError)) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, (_, i) => appendWithRetry(i)));
    const events = await ctx.store.readStream(id);
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    expect(new Set(events.map((e) => (e.data as { value: number }).value)).size).toBe(32);
  });

  it('creates a new stream once when 32 appenders race to create it', async () => {
    const id = streamId();
    const outcomes = await Promise.allSettled(Array.from({ length: 32 }, (_, i) => ctx.store.append(id, 0, [progress(i)], tester)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(await versionsOf(id)).toEqual([1]);
  });
});

describe('idempotency', () => {
  it('appends nothing for a repeated command id and returns the first result', async () => {
    const id = streamId();
    const first = await ctx.store.append(id, 0, [progress(1), progress(2)], { ...tester, commandId: `cmd-${id}` });
    const again = await ctx.store.append(id, 0, [progress(1), progress(2)], { ...tester, commandId: `cmd-${id}` });

    expect(again).toEqual({ ...first, duplicate: true });
    expect(await versionsOf(id)).toEqual([1, 2]);
  });

  it('returns the first result even when the retry carries a stale version', async () => {
    const id = streamId();
    const first = await ctx.store.append(id, 0, [progress(1)], { ...tester, commandId: `a-${id}` });
    await ctx.store.append(id, 1, [progress(2)], tester);
    const retry = await ctx.store.append(id, 0, [progress(1)], { ...tester, commandId: `a-${id}` });
    expect(retry).toEqual({ ...first, duplicate: true });
    expect(await versionsOf(id)).toEqual([1, 2]);
  });

  it('appends once when the same command is sent 20 times in parallel', async () => {
    const id = streamId();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => ctx.store.append(id, 0, [progress(7)], { ...tester, commandId: `p-${id}` })),
    );
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.lastPosition))).toEqual(new Set([results[0]!.lastPosition]));
    expect(await versionsOf(id)).toEqual([1]);
  });

  it('forgets a command whose append failed, so it can be retried', async () => {
    const id = streamId();
    await ctx.store.append(id, 0, [progress(1)], tester);
    await expect(ctx.store.append(id, 0, [progress(2)], { ...tester, commandId: `f-${id}` })).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    const retried = await ctx.store.append(id, 1, [progress(2)], { ...tester, commandId: `f-${id}` });
    expect(retried).toMatchObject({ duplicate: false, toVersion: 2 });
  });
});

describe('inline projections', () => {
  const projection = (db: Kysely<Database>) =>
    sql`CREATE TABLE IF NOT EXISTS test_projection (stream_id text, version bigint, value int)`.execute(db);

  beforeAll(() => projection(ctx.database.db));

  const rowsOf = async (id: string) =>
    (
      await sql<{
        version: string;
        value: number;
      }>`SELECT version, value FROM test_projection WHERE stream_id = ${id} ORDER BY version`.execute(ctx.database.db)
    ).rows.map((r) => [Number(r.version), r.value]);

  it("commits the caller's writes in the append's transaction", async () => {
    const id = streamId();
    await ctx.store.append(id, 0, [progress(10), progress(20)], tester, async (trx, events) => {
      for (const e of events) {
        await sql`INSERT INTO test_projection VALUES (${e.streamId}, ${e.version}, ${(e.data as { value: number }).value})`.execute(trx);
      }
    });
    expect(await rowsOf(id)).toEqual([
      [1, 10],
      [2, 20],
    ]);
  });

  it('rolls the events back when the projection fails', async () => {
    const id = streamId();
    const failure = ctx.store.append(id, 0, [progress(1)], tester, async (trx) => {
      await sql`INSERT INTO test_projection VALUES (${id}, 1, 1)`.execute(trx);
      throw new Error('projection broke');
    });
    await expect(failure).rejects.toThrow('projection broke');
    expect(await ctx.store.readStream(id)).toEqual([]);
    expect(await rowsOf(id)).toEqual([]);
    expect(await ctx.store.streamVersion(id)).toBe(0);
  });

  it('does not run the projection again for a duplicate command', async () => {
    const id = streamId();
    let runs = 0;
    const project = async () => {
      runs += 1;
    };
    await ctx.store.append(id, 0, [progress(1)], { ...tester, commandId: `i-${id}` }, project);
    await ctx.store.append(id, 0, [progress(1)], { ...tester, commandId: `i-${id}` }, project);
    expect(runs).toBe(1);
  });
});

describe('upcasting', () => {
  it('lifts old schema versions on read without rewriting them', async () => {
    const id = streamId();
    await ctx.store.append(id, 0, [{ type: 'TargetSet', schemaVersion: 1, data: { target: '530団体以上' } }], tester);
    const upcasting = new EventStore(ctx.database.db, {
      TargetSet: { 1: (data: { target: string }) => ({ text: data.target }), 2: (data: object) => ({ ...data, kind: 'numeric' }) },
    });
    const [event] = await upcasting.readStream(id);
    expect(event).toMatchObject({ schemaVersion: 3, data: { text: '530団体以上', kind: 'numeric' } });
    const [stored] = await ctx.store.readStream(id);
    expect(stored).toMatchObject({ schemaVersion: 1, data: { target: '530団体以上' } });
  });
});

describe('command fingerprints', () => {
  it('refuses a command id reused for a different command, at append and at lookup', async () => {
    const id = streamId();
    const first = await ctx.store.append(id, 0, [progress(1)], { ...tester, commandId: `fp-${id}`, fingerprint: 'a' });
    expect(await ctx.store.processedCommand(`fp-${id}`, 'a')).toEqual({ ...first, duplicate: true });
    await expect(ctx.store.append(id, 0, [progress(2)], { ...tester, commandId: `fp-${id}`, fingerprint: 'b' })).rejects.toBeInstanceOf(
      CommandIdReusedError,
    );
    await expect(ctx.store.processedCommand(`fp-${id}`, 'b')).rejects.toBeInstanceOf(CommandIdReusedError);
    expect(await ctx.store.processedCommand(`never-${id}`)).toBeUndefined();
    expect(await versionsOf(id)).toEqual([1]);
  });
});
