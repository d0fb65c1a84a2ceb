import { Kysely, sql } from 'kysely';
import type { Database } from '@shinchoku/database';
import type { AnyQueue, QueueFactory } from '@shinchoku/queue';

export interface Check {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

export interface HealthReport {
  /** unavailable: the database is down, nothing works. degraded: the queue is down, reminders wait; the API still serves. */
  status: 'ok' | 'degraded' | 'unavailable';
  checks: { database: Check; queue: Check & { backend: string } };
}

const CHECK_TIMEOUT_MS = 2_000;

/** Asks the database and the queue backend for a real answer, each within a time limit. */
export class HealthProbe {
  private queue?: AnyQueue;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly queues: QueueFactory,
  ) {}

  async report(): Promise<HealthReport> {
    const [database, queue] = await Promise.all([
      timed(() => sql`SELECT 1`.execute(this.db)),
      timed(() => this.healthQueue().getJobCounts('waiting')),
    ]);
    const status = database.status === 'down' ? 'unavailable' : queue.status === 'down' ? 'degraded' : 'ok';
    return { status, checks: { database, queue: { ...queue, backend: this.queues.backend } } };
  }

  private healthQueue(): AnyQueue {
    if (!this.queue) {
      this.queue = this.queues.queue('health');
      // A lost connection is what this probe reports; unheard, BullMQ would print each retry's stack.
      this.queue.on('error', () => undefined);
    }
    return this.queue;
  }
}

async function timed(probe: () => Promise<unknown>): Promise<Check> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { status: 'down', latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
