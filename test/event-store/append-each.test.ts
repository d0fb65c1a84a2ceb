import { sql } from 'kysely';
import { verifyEventChains, WrongExpectedVersionError, type AppendResult, type StreamAppend } from '@shinchoku/event-store';
import { useTestStore } from '../support/test-database';
import { progress, streamId, tester } from '../support/events';

const ctx = useTestStore();

/** An inline write that leaves a mark per stream, so a test sees which parts' writes ran. */
beforeAll(async () => {
  await sql`CREATE TABLE inline_marks (stream_id text NOT NULL)`.execute(ctx.database.db);
  await sql`CREATE FUNCTION mark_inline(p_stream text) RETURNS boolean LANGUAGE sql AS
    'INSERT INTO inline_marks VALUES (p_stream) RETURNING true'`.execute(ctx.database.db);
});

const marked = async (id: string) =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM inline_marks WHERE stream_id = ${id}`.execute(ctx.database.db)).rows[0]!.n;
const transactionsOf = async (...ids: string[]) =>
  new Set((await Promise.all(ids.map((id) => ctx.store.readStream(id)))).flat().map((e) => e.transactionId)).size;
const versionsOf = async (id: string) => (await ctx.store.readStream(id)).map((e) => e.version);

const part = (id: string, expectedVersion: number, value = 1): StreamAppend => ({
  streamId: id,
  expectedVersion,
  commands: [{ events: [progress(value)], context: { ...tester, reason: `記録 ${value}` } }],
  inline: { write: sql`mark_inline(${id})` },
});

describe('appendEach: several streams in one statement, each part on its own', () => {
  it('appends every part in one transaction, runs each inline write once, and answers in the order asked', async () => {
    const [a, b, c] = [streamId(), streamId(), streamId()].sort().reverse();
    await ctx.store.append(b!, 0, [progress(1)], tester);
    const results = await ctx.store.appendEach([part(a!, 0, 10), part(b!, 1, 20), part(c!, 0, 30)]);
    expect(results.map((r) => r.status === 'fulfilled' && r.value)).toMatchObject([
      { streamId: a, fromVersion: 1, toVersion: 1, duplicate: false },
      { streamId: b, fromVersion: 2, toVersion: 2, duplicate: false },
      { streamId: c, fromVersion: 1, toVersion: 1, duplicate: false },
    ]);
    expect([await marked(a!), await marked(b!), await marked(c!)]).toEqual([1, 1, 1]);
    expect(await transactionsOf(a!, c!)).toBe(1);
    expect((await ctx.store.readStream(c!))[0]!.metadata.reason).toBe('記録 30');
    expect((await verifyEventChains(ctx.database.db)).ok).toBe(true);
  });

  it('refuses only the part whose expected version is wrong; the others are appended, each alone', async () => {
    const [a, b, c] = [streamId(), streamId(), streamId()];
    await ctx.store.append(b, 0, [progress(1), progress(2)], tester);
    const [first, wrong, third] = await ctx.store.appendEach([part(a, 0), part(b, 1), part(c, 0)]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { streamId: a, toVersion: 1 } });
    expect(third).toMatchObject({ status: 'fulfilled', value: { streamId: c, toVersion: 1 } });
    expect(wrong).toMatchObject({ status: 'rejected', reason: { streamId: b, expectedVersion: 1, actualVersion: 2 } });
    expect((wrong as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
    expect([await versionsOf(a), await versionsOf(b), await versionsOf(c)]).toEqual([[1], [1, 2], [1]]);
    expect([await marked(a), await marked(b), await marked(c)]).toEqual([1, 0, 1]);
  });

  it('refuses only the part whose inline write fails, and leaves nothing of it', async () => {
    const [a, b] = [streamId(), streamId()];
    const failing = { ...part(b, 0), inline: { write: sql`(SELECT 1 / 0)` } };
    const [ok, failed] = await ctx.store.appendEach([part(a, 0), failing]);
    expect(ok).toMatchObject({ status: 'fulfilled', value: { streamId: a, toVersion: 1 } });
    expect(failed).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/division by zero/) } });
    expect([await versionsOf(a), await versionsOf(b)]).toEqual([[1], []]);
  });

  it('answers a repeated command id with the first result, skipping its inline write, beside a new part', async () => {
    const [a, b] = [streamId(), streamId()];
    const once = { ...part(a, 0), idempotency: { commandId: `each-${a}` } };
    const [first] = await ctx.store.appendEach([once]);
    const [again, other] = await ctx.store.appendEach([once, part(b, 0)]);
    expect(again).toEqual({ status: 'fulfilled', value: { ...(first as PromiseFulfilledResult<AppendResult>).value, duplicate: true } });
    expect(other).toMatchObject({ status: 'fulfilled', value: { streamId: b, toVersion: 1 } });
    expect([await versionsOf(a), await marked(a), await marked(b)]).toEqual([[1], 1, 1]);
  });

  it('gives every part the error, appending none again, when the server ends the connection (not a refusal)', async () => {
    const [a, b] = [streamId(), streamId()];
    const killing = { ...part(b, 0), inline: { write: sql`pg_terminate_backend(pg_backend_pid())` } };
    const results = await ctx.store.appendEach([part(a, 0), killing]);
    expect(results).toMatchObject([
      { status: 'rejected', reason: { code: '57P01', severity: 'FATAL' } },
      { status: 'rejected', reason: { code: '57P01', severity: 'FATAL' } },
    ]);
    expect([await versionsOf(a), await versionsOf(b)]).toEqual([[], []]);
  });

  it('never deadlocks two statements that name the same streams in opposite orders', async () => {
    const [a, b] = [streamId(), streamId()];
    const any = (id: string): StreamAppend => ({ ...part(id, 0), expectedVersion: 'any' });
    const outcomes = await Promise.all(
      Array.from({ length: 16 }, (_, i) => ctx.store.appendEach(i % 2 ? [any(a), any(b)] : [any(b), any(a)])),
    );
    expect(outcomes.flat().filter((o) => o.status === 'rejected')).toEqual([]);
    expect([(await versionsOf(a)).length, (await versionsOf(b)).length]).toEqual([16, 16]);
  });
});
