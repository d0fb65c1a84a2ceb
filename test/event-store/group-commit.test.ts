import { GroupCommit, WrongExpectedVersionError, type StreamAppend } from '@shinchoku/event-store';
import { useTestStore } from '../support/test-database';
import { progress, streamId, tester } from '../support/events';

const ctx = useTestStore();

const part = (id: string, expectedVersion = 0): StreamAppend => ({
  streamId: id,
  expectedVersion,
  commands: [{ events: [progress(1)], context: tester }],
});
/** The transaction each stream's first event was appended in. */
const transactions = async (ids: string[]) => Promise.all(ids.map(async (id) => (await ctx.store.readStream(id))[0]!.transactionId));

describe('GroupCommit', () => {
  it('sends an append at once, alone, when nothing is in flight', async () => {
    const group = new GroupCommit(ctx.store);
    const [a, b] = [streamId(), streamId()];
    await expect(group.append(part(a))).resolves.toMatchObject({ streamId: a, toVersion: 1 });
    await expect(group.append(part(b))).resolves.toMatchObject({ streamId: b, toVersion: 1 });
    const [ta, tb] = await transactions([a, b]);
    expect(ta).not.toBe(tb);
  });

  it('sends the appends that arrive while one is in flight together, in one transaction, each answered with its own result', async () => {
    const group = new GroupCommit(ctx.store, { inFlight: 1, parts: 32 });
    const ids = [streamId(), streamId(), streamId(), streamId()];
    const results = await Promise.all(ids.map((id) => group.append(part(id))));
    expect(results.map((r) => r.streamId)).toEqual(ids);
    const [first, ...rest] = await transactions(ids);
    expect(new Set(rest).size).toBe(1);
    expect(rest[0]).not.toBe(first);
  });

  it('puts no more than its limit of parts in one group', async () => {
    const group = new GroupCommit(ctx.store, { inFlight: 1, parts: 2 });
    const ids = Array.from({ length: 5 }, () => streamId());
    await Promise.all(ids.map((id) => group.append(part(id))));
    const [t1, t2, t3, t4, t5] = await transactions(ids);
    expect([t2 === t3, t4 === t5, new Set([t1, t2, t4]).size]).toEqual([true, true, 3]);
  });

  it('refuses the one append whose expected version is wrong and commits the others of its group', async () => {
    const group = new GroupCommit(ctx.store, { inFlight: 1, parts: 32 });
    const [a, b, c, stale] = [streamId(), streamId(), streamId(), streamId()];
    await ctx.store.append(stale, 0, [progress(1)], tester);
    const outcomes = await Promise.allSettled([
      group.append(part(a)),
      group.append(part(b)),
      group.append(part(stale)),
      group.append(part(c)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
    expect(await ctx.store.streamVersion(stale)).toBe(1);
    expect(await Promise.all([b, c].map((id) => ctx.store.streamVersion(id)))).toEqual([1, 1]);
  });
});
