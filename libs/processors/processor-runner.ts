import { Kysely, sql } from 'kysely';
import type { Database } from '@shinchoku/database';
import type { EventStore, ReplayedEvent } from '@shinchoku/event-store';
import { lockCheckpoint, resetCheckpoint, saveCheckpoint } from './checkpoints';
import type { Processor } from './processor';

export interface ProcessorRunnerOptions {
  batchSize: number;
  pollIntervalMs: number;
  onError?: (processor: string | undefined, error: unknown) => void;
}

/**
 * Drives processors over the feed. Each processor is run by one instance at a time: the one
 * holding its session advisory lock on a connection this runner keeps. Another instance takes
 * over when that connection ends. Correctness does not rest on the lock: every batch also locks
 * the processor's checkpoint row, so even two runners that both believed they led could not
 * apply an event twice.
 */
export class ProcessorRunner {
  private stopping = false;
  private running?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly store: EventStore,
    private readonly processors: readonly Processor[],
    private readonly options: ProcessorRunnerOptions,
  ) {}

  start(): void {
    this.stopping = false;
    this.running ??= this.lead().finally(() => (this.running = undefined));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
  }

  /** Runs one batch of the processor; returns how many events it handled (0 when caught up). */
  processBatch(processor: Processor): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      // A rebuild holds the checkpoint for its whole transaction: a live batch skips its turn
      // meanwhile rather than queue behind it (and, under a lock bound, fail every poll).
      const checkpoint = await lockCheckpoint(trx, processor.name, { wait: false });
      if (!checkpoint) return 0;
      const page = await this.store.readFeed(checkpoint, this.options.batchSize, trx);
      if (page.events.length === 0) return 0;
      await processor.handle(page.events, trx);
      await saveCheckpoint(trx, processor.name, page.checkpoint);
      return page.events.length;
    });
  }

  /**
   * Processes until every event committed so far is handled. An empty batch is not enough: events
   * behind a transaction still open anywhere on the server are held back (never skipped), so it
   * waits for them rather than report done early.
   */
  async catchUp(processor: Processor): Promise<number> {
    let total = 0;
    for (;;) {
      const handled = await this.processBatch(processor);
      total += handled;
      if (handled > 0) continue;
      if (!(await this.heldBack(processor))) return total;
      await new Promise((resolve) => setTimeout(resolve, this.options.pollIntervalMs));
    }
  }

  /** Whether committed events lie beyond the processor's checkpoint. */
  private async heldBack(processor: Processor): Promise<boolean> {
    const { rows } = await sql<{ waiting: boolean }>`
      SELECT EXISTS (
        SELECT 1 FROM events e, processor_checkpoints c
         WHERE c.processor = ${processor.name}
           AND (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
      ) AS waiting
    `.execute(this.db);
    return rows[0]!.waiting;
  }

  /** Clears the processor's state and replays the whole feed into it. */
  async rebuild(processor: Processor): Promise<number> {
    await this.db.transaction().execute(async (trx) => {
      await lockCheckpoint(trx, processor.name);
      await processor.reset(trx);
      await resetCheckpoint(trx, processor.name);
    });
    return this.catchUp(processor);
  }

  /**
   * Rebuilds a processor that can take the feed stream by stream, in one transaction: resets it,
   * hands it every stream it follows, whole, up to where the feed ends now, and moves its
   * checkpoint there. What it keeps from a stream depends on that stream's events alone, in feed
   * order, so the result is the feed replay's (rebuild). Readers see the old tables until it
   * commits; live batches skip their turns meanwhile (the checkpoint row is held). The streams are read on another
   * connection, so the server reads the next page while the processor writes (the events up to
   * that end are committed: every connection sees the same ones).
   */
  rebuildByStream(processor: Processor): Promise<number> {
    const { byStream } = processor;
    if (!byStream) throw new Error(`${processor.name} cannot be rebuilt by stream`);
    return this.db.transaction().execute(async (trx) => {
      await lockCheckpoint(trx, processor.name);
      await processor.reset(trx);
      const end = await this.store.feedEnd(trx);
      let replayed = 0;
      let batch: ReplayedEvent[][] = [];
      let size = 0;
      for (const prefix of byStream.prefixes) {
        for await (const stream of this.store.streamsInOrder(prefix, this.db, end)) {
          batch.push(stream.sort(inFeedOrder));
          size += stream.length;
          if (size < STREAM_BATCH_EVENTS) continue;
          await byStream.handle(batch, trx);
          replayed += size;
          [batch, size] = [[], 0];
        }
      }
      if (batch.length > 0) await byStream.handle(batch, trx);
      await byStream.finish(trx);
      await saveCheckpoint(trx, processor.name, end);
      return replayed + size;
    });
  }

  private async lead(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.db.connection().execute(async (session) => {
          try {
            const held = new Set<string>();
            while (!this.stopping) {
              let more = false;
              for (const processor of this.processors) {
                if (this.stopping) break;
                if (!held.has(processor.name) && (await tryLock(session, processor.name))) held.add(processor.name);
                if (held.has(processor.name)) more = (await this.batchOrReport(processor)) || more;
              }
              if (!more) await this.idle();
            }
          } finally {
            await sql`SELECT pg_advisory_unlock_all()`.execute(session).catch(() => undefined);
          }
        });
      } catch (error) {
        this.options.onError?.(undefined, error);
        await this.idle();
      }
    }
  }

  /** True when a full batch suggests more is waiting. */
  private async batchOrReport(processor: Processor): Promise<boolean> {
    try {
      return (await this.processBatch(processor)) === this.options.batchSize;
    } catch (error) {
      this.options.onError?.(processor.name, error);
      return false;
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.options.pollIntervalMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** Events a stream rebuild hands over at a time (whole streams, so batches vary a little). */
const STREAM_BATCH_EVENTS = 5_000;

/** A stream is in version order; the feed orders by transaction, which may differ under concurrent appends. */
const inFeedOrder = (a: ReplayedEvent, b: ReplayedEvent) =>
  a.transactionId === b.transactionId ? Number(a.globalPosition - b.globalPosition) : a.transactionId < b.transactionId ? -1 : 1;

async function tryLock(session: Kysely<Database>, processor: string): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`
    SELECT pg_try_advisory_lock(hashtext('shinchoku:processor'), hashtext(${processor})) AS locked
  `.execute(session);
  return rows[0]!.locked;
}
