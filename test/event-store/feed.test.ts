import { sql } from 'kysely';
import { Checkpoint, START_OF_FEED, StoredEvent } from '@shinchoku/event-store';
import { useTestStore } from '../support/test-database';
import { progress, streamId, tester } from '../support/events';

const ctx = useTestStore();

/**
 * A reader that polls the feed the way a processor does, from the start. It keeps only the
 * streams of its own test: the snapshot horizon is cluster-wide, so other test files' open
 * transactions may hold earlier events back, and they arrive at any poll.
 */
class Reader {
  checkpoint: Checkpoint = START_OF_FEED;
  readonly seen: StoredEvent[] = [];
  constructor(private readonly prefix: string) {}
  async poll(limit = 1000): Promise<StoredEvent[]> {
    const page = await ctx.store.readFeed(this.checkpoint, limit);
    this.checkpoint = page.checkpoint;
    const ours = page.events.filter((e) => e.streamId.startsWith(this.prefix));
    this.seen.push(...ours);
    return ours;
  }
  /** Polls until `count` events of ours arrived (or a deadline passed), then once more to catch any repeat. */
  async collect(count: number, limit = 1000): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (this.seen.length < count && Date.now() < deadline) {
      if ((await this.poll(limit)).length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await this.poll(limit);
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
    expect(reader.seen.map((e) => e.globalPosition)).toEqual([slowResult.firstPosition, fast.firstPosition]);
  });

  it('pages in commit-safe order and resumes from a checkpoint', async () => {
    const id = streamId('paged');
    for (let v = 0; v < 7; v++) await ctx.store.append(id, v, [progress(v)], tester);
    const reader = new Reader(id);
    await reader.collect(7, 3);
    expect(reader.seen.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
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

    const delivered = reader.seen.map((e) => e.globalPosition);
    expect(delivered).toHaveLength(written.length);
    expect(new Set(delivered)).toEqual(new Set(written));
  });
});
