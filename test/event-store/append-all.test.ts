import { sql } from 'kysely';
import { EmptyAppendError, verifyEventChains, WrongExpectedVersionError, type StreamAppend } from '@shinchoku/event-store';
import { useTestStore } from '../support/test-database';
import { progress, streamId, tester } from '../support/events';

const ctx = useTestStore();

const versionsOf = async (id: string) => (await ctx.store.readStream(id)).map((e) => e.version);
const part = (id: string, expectedVersion: number, ...values: number[]): StreamAppend => ({
  streamId: id,
  expectedVersion,
  commands: values.map((value) => ({ events: [progress(value)], context: { ...tester, reason: `記録 ${value}` } })),
});

describe('appendAll: several streams in one transaction', () => {
  it('appends each stream’s commands after its expected version, each command with its own metadata, on intact chains', async () => {
    const [a, b] = [streamId(), streamId()];
    await ctx.store.append(b, 0, [progress(1)], tester);
    const results = await ctx.store.appendAll([part(a, 0, 10, 20), part(b, 1, 30)]);
    expect(results).toMatchObject([
      { streamId: a, fromVersion: 1, toVersion: 2, duplicate: false },
      { streamId: b, fromVersion: 2, toVersion: 2, duplicate: false },
    ]);
    const events = await ctx.store.readStream(a);
    expect(events.map((e) => e.metadata.reason)).toEqual(['記録 10', '記録 20']);
    expect(events[0]!.metadata.commandId).not.toBe(events[1]!.metadata.commandId);
    expect(await versionsOf(b)).toEqual([1, 2]);
    expect((await verifyEventChains(ctx.database.db)).ok).toBe(true);
  });

  it('changes no stream when a later stream’s expected version is wrong', async () => {
    const [a, b, c] = [streamId(), streamId(), streamId()];
    await ctx.store.append(c, 0, [progress(1), progress(2)], tester);
    const failure = ctx.store.appendAll([part(a, 0, 10), part(b, 0, 20), part(c, 1, 30)]);
    await expect(failure).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(failure).rejects.toMatchObject({ streamId: c, expectedVersion: 1, actualVersion: 2 });
    expect([await versionsOf(a), await versionsOf(b), await versionsOf(c)]).toEqual([[], [], [1, 2]]);
    expect([await ctx.store.streamVersion(a), await ctx.store.streamVersion(b)]).toEqual([0, 0]);
  });

  it('changes no stream when a later stream’s inline statement fails', async () => {
    const [a, b] = [streamId(), streamId()];
    const failing = { ...part(b, 0, 20), inline: { write: sql`(SELECT 1 / 0)` } };
    await expect(ctx.store.appendAll([{ ...part(a, 0, 10), inline: { write: sql`1` } }, failing])).rejects.toThrow(/division by zero/);
    expect([await versionsOf(a), await versionsOf(b)]).toEqual([[], []]);
  });

  it('answers a repeated idempotency key with the first result and appends nothing for it', async () => {
    const id = streamId();
    const once = { ...part(id, 0, 10), idempotency: { commandId: `batch-${id}` } };
    const [first] = await ctx.store.appendAll([once]);
    const [again] = await ctx.store.appendAll([once]);
    expect(again).toMatchObject({ streamId: id, toVersion: first!.toVersion, duplicate: true });
    expect(await versionsOf(id)).toEqual([1]);
  });

  it('refuses a stream with no events before writing anything', async () => {
    const [a, b] = [streamId(), streamId()];
    await expect(ctx.store.appendAll([part(a, 0, 10), part(b, 0)])).rejects.toBeInstanceOf(EmptyAppendError);
    expect(await versionsOf(a)).toEqual([]);
  });

  it('never deadlocks two transactions that name the same streams in opposite orders', async () => {
    const [a, b] = [streamId(), streamId()];
    const any = (id: string): StreamAppend => ({ ...part(id, 0, 1), expectedVersion: 'any' });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) => ctx.store.appendAll(i % 2 ? [any(a), any(b)] : [any(b), any(a)])),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect([(await versionsOf(a)).length, (await versionsOf(b)).length]).toEqual([16, 16]);
  });
});
