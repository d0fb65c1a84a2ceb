import { sql, type Kysely } from 'kysely';
import type { JobsOptions } from 'bullmq';
import type { Database } from '@shinchoku/database';
import type { AnyQueue } from '@shinchoku/queue';
import type { Clock } from '@shinchoku/runtime';

export const DELIVERY_QUEUE = 'reminders';
export const RECONCILE_QUEUE = 'reminders-reconcile';

export interface DeliveryJob {
  reminderId: string;
}

export interface ReconcileReport {
  /** New rows handed to the queue as delayed jobs. */
  enqueued: number;
  /** Due rows whose job was missing (added again) or still waiting on its delay (promoted). */
  requeued: number;
  /** Cancelled rows whose delayed job was taken out of the queue. */
  withdrawn: number;
}

const BATCH = 1_000;

/**
 * Keeps the queue in line with the reminders table, the truth: new rows become delayed jobs, and
 * every due row not yet sent gets a job again if the queue lost it (Redis flushed or restarted) or
 * still holds it back; a cancelled row's job leaves the queue. Job id = reminder id, so this never
 * makes a second job for a reminder.
 */
export class ReminderReconciler {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly queue: AnyQueue<DeliveryJob>,
    private readonly clock: Clock,
    private readonly jobOptions: Pick<JobsOptions, 'attempts' | 'backoff'>,
  ) {}

  async run(): Promise<ReconcileReport> {
    return { withdrawn: await this.withdrawCancelled(), enqueued: await this.enqueueNew(), requeued: await this.requeueDue() };
  }

  private options(reminderId: string, delay: number): JobsOptions {
    return { ...this.jobOptions, jobId: reminderId, delay: Math.max(0, delay), removeOnComplete: true, removeOnFail: true };
  }

  private async enqueueNew(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom('reminders')
        .select(['reminder_id', 'send_at'])
        .where('status', '=', 'planned')
        .where('enqueued', '=', false)
        .orderBy('send_at')
        .limit(BATCH)
        .execute();
      if (rows.length === 0) return total;
      const now = this.clock.now().getTime();
      await this.queue.addBulk(
        rows.map((row) => ({
          name: 'deliver',
          data: { reminderId: row.reminder_id },
          opts: this.options(row.reminder_id, row.send_at.getTime() - now),
        })),
      );
      await this.db
        .updateTable('reminders')
        .set({ enqueued: true })
        .where(
          'reminder_id',
          'in',
          rows.map((row) => row.reminder_id),
        )
        .execute();
      total += rows.length;
    }
  }

  /**
   * A cancelled reminder's job would find nothing to send; taken out, the queue shows what will go
   * out (a moved reminder is a cancelled row and a new one). A job a sender holds is left to finish.
   */
  private async withdrawCancelled(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom('reminders')
        .select('reminder_id')
        .where('status', '=', 'cancelled')
        .where('enqueued', '=', true)
        .limit(BATCH)
        .execute();
      if (rows.length === 0) return total;
      const ids = rows.map((row) => row.reminder_id);
      for (const id of ids) total += await this.queue.remove(id).catch(() => 0);
      await this.db.updateTable('reminders').set({ enqueued: false }).where('reminder_id', 'in', ids).execute();
    }
  }

  private async requeueDue(): Promise<number> {
    const now = this.clock.now();
    const { rows } = await sql<{ reminder_id: string }>`
      SELECT reminder_id FROM reminders
       WHERE status = 'planned' AND enqueued AND send_at <= ${now} AND (lease_until IS NULL OR lease_until < ${now})
       ORDER BY send_at
       LIMIT ${BATCH * 10}`.execute(this.db);
    let requeued = 0;
    for (const { reminder_id: id } of rows) {
      const job = await this.queue.getJob(id);
      const state = job && (await job.getState());
      if (!job || state === 'completed' || state === 'failed' || state === 'unknown') {
        if (job) await job.remove().catch(() => undefined);
        await this.queue.add('deliver', { reminderId: id }, this.options(id, 0));
        requeued += 1;
      } else if (state === 'delayed' && job.attemptsMade === 0) {
        // Its delay was reckoned on another clock: due is due. (A retry waiting out its backoff is left to wait.)
        await job.promote().catch(() => undefined);
        requeued += 1;
      }
    }
    return requeued;
  }
}
