import { Kysely, sql } from 'kysely';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '@shinchoku/database';
import type { QueueFactory } from '@shinchoku/queue';

export type CommandOutcome = 'applied' | 'unchanged' | 'rejected' | 'conflict' | 'failed';

/** What the command shell reports after each command; kept as an interface so the shell needs no metrics library. */
export interface CommandObserver {
  commandObserved(aggregate: string, command: string, outcome: CommandOutcome, seconds: number, events: number): void;
}

/** How GET sheet was answered: from memory, a miss kept for next time, the cache off (changes unknown: the database did not answer), or bypassed (no-cache). */
export type SheetCacheRead = 'hit' | 'miss' | 'off' | 'bypass';

export interface SheetCacheObserver {
  sheetCacheRead(result: SheetCacheRead): void;
}

/**
 * The Prometheus view of shinchoku. Command latency and appends are counted as they happen in this
 * process; processor lag and queue depth are read from Postgres and the queues at scrape time, so
 * every replica reports the same truth about them.
 */
export class Metrics implements CommandObserver, SheetCacheObserver {
  readonly registry = new Registry();
  private readonly commandSeconds: Histogram<'aggregate' | 'command' | 'outcome'>;
  private readonly appended: Counter<'aggregate'>;
  private readonly sheetCacheReads: Counter<'result'>;

  constructor(db: Kysely<Database>, queues: QueueFactory, processors: readonly string[]) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'shinchoku_' });
    this.commandSeconds = new Histogram({
      name: 'shinchoku_command_duration_seconds',
      help: 'Time to decide and append one command, by outcome',
      labelNames: ['aggregate', 'command', 'outcome'],
      buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.appended = new Counter({
      name: 'shinchoku_events_appended_total',
      help: 'Events appended by commands in this process (rate() gives the append rate)',
      labelNames: ['aggregate'],
      registers,
    });
    this.sheetCacheReads = new Counter({
      name: 'shinchoku_sheet_cache_reads_total',
      help: 'GET sheet reads in this process by how the in-memory cache answered: hit, miss (read and kept), off (changes unknown while the database does not answer: read), bypass (Cache-Control: no-cache)',
      labelNames: ['result'],
      registers,
    });
    const lagEvents = new Gauge({
      name: 'shinchoku_processor_lag_events',
      help: 'Events in the feed that an async processor has not handled yet',
      labelNames: ['processor'],
      registers,
    });
    new Gauge({
      name: 'shinchoku_processor_lag_seconds',
      help: 'Age of the oldest event an async processor has not handled yet (0 when caught up)',
      labelNames: ['processor'],
      registers,
      async collect() {
        const lags = await processorLag(db, processors);
        for (const lag of lags) {
          this.set({ processor: lag.processor }, lag.seconds);
          lagEvents.set({ processor: lag.processor }, lag.events);
        }
      },
    });
    new Gauge({
      name: 'shinchoku_reminders',
      help: 'Reminders by status; failed ones gave up after their last attempt and need a person (GET /api/v1/reminders?status=failed)',
      labelNames: ['status'],
      registers,
      async collect() {
        const rows = await db
          .selectFrom('reminders')
          .select(['status', (eb) => eb.fn.countAll<string>().as('count')])
          .groupBy('status')
          .execute();
        const counts = new Map(rows.map((row) => [row.status, Number(row.count)]));
        for (const status of ['planned', 'sent', 'cancelled', 'failed']) this.set({ status }, counts.get(status) ?? 0);
      },
    });
    new Gauge({
      name: 'shinchoku_queue_jobs',
      help: 'Jobs in each queue this process uses, by state',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        for (const queue of queues.opened()) {
          const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'failed');
          for (const [state, count] of Object.entries(counts)) this.set({ queue: queue.name, state }, count);
        }
      },
    });
  }

  commandObserved(aggregate: string, command: string, outcome: CommandOutcome, seconds: number, events: number): void {
    this.commandSeconds.observe({ aggregate, command, outcome }, seconds);
    if (events > 0) this.appended.inc({ aggregate }, events);
  }

  sheetCacheRead(result: SheetCacheRead): void {
    this.sheetCacheReads.inc({ result });
  }
}

async function processorLag(db: Kysely<Database>, processors: readonly string[]) {
  if (processors.length === 0) return [];
  const { rows } = await sql<{ processor: string; events: string; seconds: number | null }>`
    SELECT p.name AS processor, lag.events, lag.seconds
      FROM unnest(${[...processors]}::text[]) AS p(name)
      LEFT JOIN processor_checkpoints c ON c.processor = p.name
      CROSS JOIN LATERAL (
        SELECT count(*) AS events, extract(epoch FROM now() - min(e.recorded_at))::float8 AS seconds
          FROM events e
         WHERE (e.transaction_id, e.global_position) >
               (coalesce(c.transaction_id, '0'::xid8), coalesce(c.global_position, 0))
      ) lag
  `.execute(db);
  return rows.map((r) => ({ processor: r.processor, events: Number(r.events), seconds: Math.max(0, r.seconds ?? 0) }));
}
