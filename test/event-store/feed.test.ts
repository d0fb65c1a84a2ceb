import { sql } from 'kysely';
import { Checkpoint, START_OF_FEED, StoredEvent } from '@shinchoku/event-store';
import { createTestDatabase, useTestStore } from '../support/test-database';
import { progress, streamId, tester } from '../support/events';

const ctx = useTestStore();

/**
 * A reader that polls the feed the way a processor does, from the start. It keeps only the
 * streams of its own test. The feed's horizon is cluster-wide: a transaction open in any database
 * on the server (another test file's, anyone's) holds back every event committed after it began,
 * for as long as it stays open. So each poll also notes that horizon, read in the same snapshot,
 * and the tests check what the feed promises whatever it is: every event of ours below it
 * delivered, in order, once; none above it. Once nothing else holds it back, that is all of them.
 */
class Reader {
  checkpoint: Checkpoint = START_OF_FEED;
  readonly seen: StoredEvent[] = [];
  /** The feed's horizon at the last poll that reached the end: events of transactions from this one on are held back. */
  horizon = 0n;
  /** Whether the last poll read to the end of what the feed held (a page short of the limit). */
  private atEnd = false;
  constructor(private readonly prefix: string) {}
  async poll(limit = 1000): Promise<StoredEvent[]> {
    const { page, horizon } = await ctx.database.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        const { rows } = await sql<{ horizon: string }>`SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon`.execute(trx);
        return { horizon: BigInt(rows[0]!.horizon), page: await ctx.store.readFeed(this.checkpoint, limit, trx) };
      });
    this.checkpoint = page.checkpoint;
    // Only a page that reached the end makes the horizon the limit of what arrived.
    this.atEnd = page.events.length < limit;
    if (this.atEnd) this.horizon = horizon;
    const ours = page.events.filter((e) => e.streamId.startsWith(this.prefix));
    this.seen.push(...ours);
    return ours;
  }
  /**
   * Polls until `count` events of ours arrived, or a bound passed while a transaction elsewhere
   * holds the horizon, then once more to catch any repeat.
   */
  async collect(count: number, limit = 1000): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (this.seen.length < count && Date.now() < deadline) {
      if ((await this.poll(limit)).length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    do await this.poll(limit);
    while (!this.atEnd);
  }
  /** The events at these positions the feed must have delivered by now, in feed order: those below its horizon. */
  async due(positions: readonly bigint[]): Promise<bigint[]> {
    const rows = await ctx.database.db
      .selectFrom('events')
      .select(['global_position', 'transaction_id'])
      .where('global_position', 'in', positions.map(String))
      .orderBy('transaction_id')
      .orderBy('global_position')
      .execute();
    return rows.filter((row) => BigInt(row.transaction_id) < this.horizon).map((row) => BigInt(row.global_position));
  }
}

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('the global feed', () => {
  it('delivers a slow transaction that took an earlier position, after a faster one committed, exactly once', async () => {
    const reader = new Reader('race-');
    const slowStream = streamId('race-slow');
    const release = deferred();
    const inserted = deferred();
    // The slow append takes its global position first, then holds its transaction open.
    const slow = ctx.store.append(slowStream, 0, [progress(1)], tester, async () => {
      inserted.resolve();
      await release.promise;
    });
    await inserted.promise;
    const fast = await ctx.store.append(streamId('race-fast'), 0, [progress(2)], tester);

    // Polled in between: the fast event is committed but must wait behind the open transaction.
    expect(await reader.poll()).toEqual([]);

    release.resolve();
    const slowResult = await slow;
    expect(slowResult.firstPosition).toBeLessThan(fast.firstPosition);

    await reader.collect(2);
    expect(reader.seen.map((e) => e.globalPosition)).toEqual(await reader.due([slowResult.firstPosition, fast.firstPosition]));
  });

  it('pages in commit-safe order and resumes from a checkpoint', async () => {
    const id = streamId('paged');
    const positions: bigint[] = [];
    for (let v = 0; v < 7; v++) positions.push((await ctx.store.append(id, v, [progress(v)], tester)).firstPosition);
    const reader = new Reader(id);
    await reader.collect(7, 3);
    const due = await reader.due(positions);
    expect(reader.seen.map((e) => e.globalPosition)).toEqual(due);
    expect(reader.seen.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7].slice(0, due.length));
    const keys = reader.seen.map((e) => [e.transactionId, e.globalPosition] as const);
    const sorted = [...keys].sort(([t1, p1], [t2, p2]) => (t1 === t2 ? Number(p1 - p2) : Number(t1 - t2)));
    expect(keys).toEqual(sorted);
  });

  it('never skips or repeats an event while transactions commit out of order under load', async () => {
    const reader = new Reader('load-');
    const writers = 8;
    const appendsPerWriter = 25;
    let done = false;

    const writing = Promise.all(
      Array.from({ length: writers }, async () => {
        const id = streamId('load-');
        const positions: bigint[] = [];
        for (let v = 0; v < appendsPerWriter; v++) {
          const result = await ctx.store.append(id, v, [progress(v)], tester, async (trx) => {
            await sql`SELECT pg_sleep(random() * 0.004)`.execute(trx);
          });
          positions.push(result.firstPosition);
        }
        return positions;
      }),
    ).finally(() => (done = true));

    while (!done) await reader.poll(7);
    const written = (await writing).flat();
    await reader.collect(written.length);

    expect(reader.seen.map((e) => e.globalPosition)).toEqual(await reader.due(written));
  });

  it('holds back what committed after a transaction open in another database began, then delivers it once', async () => {
    const elsewhere = await createTestDatabase(1);
    const release = deferred();
    const began = deferred();
    let foreign = 0n;
    const open = elsewhere.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ xid: string }>`SELECT pg_current_xact_id()::text AS xid`.execute(trx);
      foreign = BigInt(rows[0]!.xid);
      began.resolve();
      await release.promise;
    });
    const ending = () => (release.resolve(), open);
    try {
      await began.promise;
      const reader = new Reader('held-');
      const positions: bigint[] = [];
      for (let v = 0; v < 3; v++) positions.push((await ctx.store.append(streamId('held-'), 0, [progress(v)], tester)).firstPosition);

      expect(await reader.poll()).toEqual([]);
      expect(reader.horizon).toBeLessThanOrEqual(foreign);

      await ending();
      await reader.collect(3);
      expect(reader.seen.map((e) => e.globalPosition)).toEqual(await reader.due(positions));
    } finally {
      await ending();
      await elsewhere.close();
    }
  });
});
