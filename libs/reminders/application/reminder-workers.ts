import type { LoggerService } from '@nestjs/common';
import { DelayedError } from 'bullmq';
import type { Kysely } from 'kysely';
import type { ReminderSettings } from '@shinchoku/config';
import type { Database } from '@shinchoku/database';
import type { AnyWorker, QueueFactory } from '@shinchoku/queue';
import type { Clock } from '@shinchoku/runtime';
import type { SheetCommands } from '@shinchoku/sheets';
import { channelsFor, type Channel } from './channels';
import { ReminderDelivery } from './delivery';
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
}

/** A claim outlives every channel's own time-out (SMTP 60 s, webhooks 30 s). */
const LEASE_MS = 5 * 60_000;

/**
 * The delivery side: a BullMQ worker sending due reminders, and the reconciler as a BullMQ job
 * scheduler every REMINDER_RECONCILE_MS. Any number of processes may run it at once.
 */
export class ReminderWorkers {
  readonly delivery: ReminderDelivery;
  readonly reconciler: ReminderReconciler;
  private readonly workers: AnyWorker<any>[] = [];
  private readonly channels: Record<string, Channel>;

  constructor(private readonly deps: ReminderWorkerDeps) {
    const { db, queues, commands, clock, settings } = deps;
    this.channels = channelsFor(settings, deps.logger);
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
        if (outcome === 'failed') logger.warn(`reminder ${job.data.reminderId} failed for good after ${settings.attempts} attempts`, 'Reminders');
        return outcome;
      },
      { concurrency: this.deps.concurrency ?? 8 },
    );
    deliver.on('failed', (job, error) => logger.warn(`reminder ${job?.data.reminderId} will be retried: ${error.message}`, 'Reminders'));
    const reconcile = queues.worker(RECONCILE_QUEUE, () => this.reconciler.run(), { concurrency: 1 });
    reconcile.on('failed', (_job, error) => logger.error(`reconciling reminders failed: ${error.message}`, undefined, 'Reminders'));
    this.workers.push(this.reported(deliver), this.reported(reconcile));
    await this.reported(queues.queue(RECONCILE_QUEUE)).upsertJobScheduler('reconcile', { every: settings.reconcileMs }, { name: 'reconcile' });
  }

  /**
   * A queue that vanishes under a job (Redis flushed) or a connection cut at shutdown is reported
   * in one line, never fatal: the table still holds the truth.
   */
  private reported<T extends { on(event: 'error', listener: (error: Error) => void): unknown }>(emitter: T): T {
    emitter.on('error', (error) => this.deps.logger.warn(`reminder queue: ${error.message}`, 'Reminders'));
    return emitter;
  }

  /** Lets sends in flight finish, then lets go of the SMTP connection. */
  async close(): Promise<void> {
    for (const worker of this.workers.splice(0)) await worker.close();
    for (const channel of new Set(Object.values(this.channels))) channel.close?.();
  }
}
