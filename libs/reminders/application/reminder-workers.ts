import type { LoggerService } from '@nestjs/common';
import { DelayedError } from 'bullmq';
import type { Kysely } from 'kysely';
import type { ReminderSettings } from '../reminder-settings';
import type { Database } from '@shinchoku/database';
import type { AnyWorker, QueueFactory } from '@shinchoku/queue';
import type { Clock } from '@shinchoku/runtime';
import type { SheetCommands } from '@shinchoku/sheets';
import { channelsFor, channelWarnings, type Channel } from './channels';
import { ReminderDelivery } from './delivery';
import type { Resolver } from './outbound';
import { DELIVERY_QUEUE, RECONCILE_QUEUE, ReminderReconciler, type DeliveryJob } from './reconciler';

export interface ReminderWorkerDeps {
  db: Kysely<Database>;
  queues: QueueFactory;
  commands: SheetCommands;
  clock: Clock;
  settings: ReminderSettings;
  logger: Pick<LoggerService, 'log' | 'warn' | 'error'>;
  /** Parallel sends per worker. */
  concurrency?: number;
  /** DNS for webhook hosts; the system's unless a test stands in for it. */
  resolve?: Resolver;
}

/** A claim outlives every channel's own time-out (SMTP 60 s, webhooks 30 s). */
const LEASE_MS = 5 * 60_000;

/** The longest a lost schedule stays lost (see keepScheduled). */
const SCHEDULE_CHECK_MS = 30_000;

/**
 * The delivery side: a BullMQ worker sending due reminders, and the reconciler as a BullMQ job
 * scheduler every REMINDER_RECONCILE_MS. Any number of processes may run it at once.
 *
 * The schedule lives in the queue backend, so a FLUSHALL or a Redis restarted without its data
 * takes it away, and with it every reconcile to come. Each process therefore upserts it again on a
 * timer. Not on the client's 'ready' event: a FLUSHALL drops no connection, so no event would come.
 * The upsert is idempotent (same id, same interval: the next run keeps its time), and while the
 * backend is unreachable it waits for the reconnect and re-creates the schedule on the new server.
 */
export class ReminderWorkers {
  readonly delivery: ReminderDelivery;
  readonly reconciler: ReminderReconciler;
  private readonly workers: Array<Pick<AnyWorker, 'close'>> = [];
  private readonly channels: Record<string, Channel>;
  private scheduleTimer?: NodeJS.Timeout;
  private closing = false;

  constructor(private readonly deps: ReminderWorkerDeps) {
    const { db, queues, commands, clock, settings } = deps;
    this.channels = channelsFor(settings, deps.logger, deps.resolve);
    this.delivery = new ReminderDelivery(db, commands, this.channels, clock, {
      attempts: settings.attempts,
      leaseMs: LEASE_MS,
      publicBaseUrl: settings.publicBaseUrl,
    });
    this.reconciler = new ReminderReconciler(db, this.reported(queues.queue<DeliveryJob>(DELIVERY_QUEUE)), clock, {
      attempts: settings.attempts,
      backoff: { type: 'exponential', delay: settings.backoffMs },
    });
  }

  async start(): Promise<void> {
    const { queues, settings, logger } = this.deps;
    const deliver = queues.worker<DeliveryJob>(
      DELIVERY_QUEUE,
      async (job, token) => {
        const outcome = await this.delivery.deliver(job.data.reminderId);
        const wait = outcome === 'skipped' ? await this.delivery.waitFor(job.data.reminderId) : undefined;
        if (wait !== undefined && token) {
          // Woken before its time (timers and clocks differ by a little): wait again instead of leaving it to the reconciler.
          await job.moveToDelayed(Date.now() + wait, token);
          throw new DelayedError();
        }
        if (outcome === 'failed') logger.warn(`reminder ${job.data.reminderId} failed for good (the reason is in GET /api/v1/reminders)`);
        return outcome;
      },
      { concurrency: this.deps.concurrency ?? 8 },
    );
    deliver.on('failed', (job, error) => {
      logger.warn(`reminder ${job?.data.reminderId} will be retried: ${error.message}`, 'Reminders');
    });
    const reconcile = queues.worker(RECONCILE_QUEUE, () => this.reconciler.run(), { concurrency: 1 });
    reconcile.on('failed', (_job, error) => {
      logger.error(`reconciling reminders failed: ${error.message}`, undefined, 'Reminders');
    });
    this.workers.push(this.reported(deliver), this.reported(reconcile));
    for (const warning of channelWarnings(settings)) logger.warn(warning);
    const schedules = this.reported(queues.queue(RECONCILE_QUEUE));
    const schedule = () => schedules.upsertJobScheduler('reconcile', { every: settings.reconcileMs }, { name: 'reconcile' });
    await schedule();
    this.keepScheduled(schedule, Math.min(settings.reconcileMs, SCHEDULE_CHECK_MS));
  }

  /** Upserts the schedule every `ms` from the end of the last upsert, so a slow backend never gets them piled up. */
  private keepScheduled(schedule: () => Promise<unknown>, ms: number): void {
    const next = () => {
      if (this.closing) return;
      this.scheduleTimer = setTimeout(() => {
        schedule().then(next, (error: Error) => {
          this.deps.logger.warn(`reminder schedule: ${error.message}`);
          next();
        });
      }, ms);
    };
    next();
  }

  /**
   * A queue that vanishes under a job (Redis flushed) or a connection cut at shutdown is reported
   * in one line, never fatal: the table still holds the truth.
   */
  private reported<T extends { on(event: 'error', listener: (error: Error) => void): unknown }>(emitter: T): T {
    emitter.on('error', (error) => {
      this.deps.logger.warn(`reminder queue: ${error.message}`, 'Reminders');
    });
    return emitter;
  }

  /** Lets sends in flight finish, then lets go of the SMTP connection. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.scheduleTimer);
    for (const worker of this.workers.splice(0)) await worker.close();
    for (const channel of new Set(Object.values(this.channels))) channel.close?.();
  }
}
