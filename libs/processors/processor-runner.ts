import { Kysely, sql } from 'kysely';
import type { Database } from '@shinchoku/database';
import type { EventStore } from '@shinchoku/event-store';
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
      const checkpoint = await lockCheckpoint(trx, processor.name);
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

async function tryLock(session: Kysely<Database>, processor: string): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`
    SELECT pg_try_advisory_lock(hashtext('shinchoku:processor'), hashtext(${processor})) AS locked
  `.execute(session);
  return rows[0]!.locked;
}
