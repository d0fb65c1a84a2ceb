import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '@shinchoku/database';
import type { Clock } from '@shinchoku/runtime';
import type { SheetCommands } from '@shinchoku/sheets';
import { formatJapaneseDate, type IsoDate, type Quarter } from '@shinchoku/municipality';
import type { Sheet } from '@shinchoku/sheets/domain';
import { composeMessage } from '../domain/message';
import { concerns, nothingLeft, type ChannelName, type Recipient, type ReminderKind } from '../domain/planner';
import { idempotencyKeyOf, type Channel, type Outgoing } from './channels';
import { Undeliverable } from './outbound';

export type DeliveryOutcome = 'sent' | 'cancelled' | 'failed' | 'skipped';

export interface DeliverySettings {
  /** Sends tried before the reminder is marked failed. */
  attempts: number;
  /** How long a claim stands; longer than any channel's own time-out, so it only lapses when a sender died. */
  leaseMs: number;
  publicBaseUrl: string;
}

export const REMINDER_ACTOR = { id: 'system:reminders', name: 'リマインダー' };

interface Claimed {
  reminder_id: string;
  sheet_id: string;
  kind: string;
  due_on: string;
  quarter: number | null;
  recipient: unknown;
  channel: string;
  attempts: number;
  lease_token: string;
  delivered_at: Date | null;
}

class LeaseLost extends Error {}

/**
 * Sends one reminder, at most once. The row is claimed with a conditional UPDATE (planned, due,
 * no live lease), so of two workers or a retried job only one sender holds it; the ReminderSent
 * append and the row turning `sent` commit in one transaction, and only while the claim is still
 * ours. A stale job (sent, cancelled, failed, moved) finds nothing to claim and does nothing.
 * Once the channel has taken it, delivered_at says so: a retry then records it without sending
 * it again. Only a sender dying between the channel's answer and that write can repeat a send:
 * every attempt carries the same idempotency key, so the receiver can tell.
 */
export class ReminderDelivery {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly commands: SheetCommands,
    private readonly channels: Record<ChannelName, Channel>,
    private readonly clock: Clock,
    private readonly settings: DeliverySettings,
  ) {}

  async deliver(reminderId: string): Promise<DeliveryOutcome> {
    const claimed = await this.claim(reminderId);
    if (!claimed) return 'skipped';
    const sheet = (await this.db.selectFrom('sheets').select('state').where('sheet_id', '=', claimed.sheet_id).executeTakeFirst())
      ?.state as Sheet | undefined;
    const kind = claimed.kind as ReminderKind;
    const quarter = claimed.quarter as Quarter | null;
    const recipient = claimed.recipient as Recipient;
    const channel = this.channels[claimed.channel as ChannelName];
    if (claimed.delivered_at === null) {
      // People who have done the work are not reminded, whatever the plan still says.
      const done = sheet ? nothingLeft(sheet, kind, quarter) : 'sheetNotFound';
      if (done) {
        await this.release(claimed, { status: 'cancelled', reason: done, finished_at: this.clock.now() });
        return 'cancelled';
      }
      try {
        await channel.send(this.outgoing(claimed, sheet!, kind, quarter, recipient));
      } catch (error) {
        return this.failed(claimed, error);
      }
      await this.db
        .updateTable('reminders')
        .set({ delivered_at: this.clock.now() })
        .where('reminder_id', '=', reminderId)
        .where('lease_token', '=', claimed.lease_token)
        .execute();
    }
    return this.record(claimed, sheet!, kind, recipient, channel.name);
  }

  private outgoing(claimed: Claimed, sheet: Sheet, kind: ReminderKind, quarter: Quarter | null, recipient: Recipient): Outgoing {
    const content = {
      reminderId: claimed.reminder_id,
      kind,
      dueOn: claimed.due_on,
      quarter,
      sheet: { sheetId: sheet.sheetId, fiscalYear: sheet.fiscalYear, department: sheet.department, unit: sheet.unit },
      concerns: concerns(sheet, kind, quarter),
      recipientName: recipient.name,
      link: `${this.settings.publicBaseUrl}/api/v1/sheets/${sheet.sheetId}`,
    };
    const message = composeMessage(content);
    const idempotencyKey = idempotencyKeyOf(claimed.reminder_id);
    return {
      reminderId: claimed.reminder_id,
      idempotencyKey,
      recipient,
      message,
      // The key inside the signed body too, for receivers that keep bodies rather than headers.
      payload: { ...content, idempotencyKey, dueOnJapanese: formatJapaneseDate(content.dueOn), recipient, ...message },
    };
  }

  /** How long a planned reminder still has to wait, by the clock; undefined when it is not planned or already due. */
  async waitFor(reminderId: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('reminders')
      .select('send_at')
      .where('reminder_id', '=', reminderId)
      .where('status', '=', 'planned')
      .executeTakeFirst();
    const wait = row && row.send_at.getTime() - this.clock.now().getTime();
    return wait !== undefined && wait > 0 ? wait : undefined;
  }

  private async claim(reminderId: string): Promise<Claimed | undefined> {
    const now = this.clock.now();
    const { rows } = await sql<Claimed>`
      UPDATE reminders
         SET lease_token = ${randomUUID()}, lease_until = ${new Date(now.getTime() + this.settings.leaseMs)}, attempts = attempts + 1
       WHERE reminder_id = ${reminderId}
         AND status = 'planned'
         AND send_at <= ${now}
         AND (lease_until IS NULL OR lease_until < ${now})
      RETURNING reminder_id, sheet_id, kind, due_on, quarter, recipient, channel, attempts, lease_token, delivered_at`.execute(this.db);
    return rows[0];
  }

  /** ReminderSent on the sheet's stream and the row marked sent, in one transaction, only while the claim holds. */
  private async record(
    claimed: Claimed,
    sheet: Sheet,
    kind: ReminderKind,
    recipient: Recipient,
    channel: ChannelName,
  ): Promise<DeliveryOutcome> {
    const dueOn: IsoDate = claimed.due_on;
    const to = `${recipient.role} ${recipient.name ?? '(連絡先未登録)'}${recipient.address ? ` <${recipient.address}>` : ''}`;
    try {
      await this.commands.run(
        sheet.sheetId,
        {
          type: 'RecordReminder',
          reminderId: claimed.reminder_id,
          kind,
          dueOn,
          ...(claimed.quarter !== null && { quarter: claimed.quarter as Quarter }),
          recipient: { name: recipient.name, role: recipient.role, address: recipient.address },
          channel,
          reason: `${to} に ${channel} で通知（期限 ${formatJapaneseDate(dueOn)}）`,
        },
        { actor: REMINDER_ACTOR, source: 'reminders', alongside: (trx) => this.markSent(trx, claimed) },
      );
      return 'sent';
    } catch (error) {
      if (error instanceof LeaseLost) return 'skipped';
      // Delivered but not yet recorded: let go, so the retry records it (without sending again).
      await this.release(claimed, { reason: `delivered; recording it failed: ${(error as Error).message}` });
      throw error;
    }
  }

  private async markSent(trx: Transaction<Database>, claimed: Claimed): Promise<void> {
    const marked = await trx
      .updateTable('reminders')
      .set({ status: 'sent', reason: null, finished_at: this.clock.now(), lease_token: null, lease_until: null })
      .where('reminder_id', '=', claimed.reminder_id)
      .where('lease_token', '=', claimed.lease_token)
      .executeTakeFirst();
    if (Number(marked.numUpdatedRows) !== 1) throw new LeaseLost(`reminder ${claimed.reminder_id} was claimed by another sender`);
  }

  /**
   * Releases the claim with the error; after the last attempt, or when no retry can help, the
   * reminder is failed for good, else the error goes back to the queue to retry.
   */
  private async failed(claimed: Claimed, error: unknown): Promise<DeliveryOutcome> {
    const final = claimed.attempts >= this.settings.attempts || error instanceof Undeliverable;
    const reason = error instanceof Error ? error.message : String(error);
    await this.release(claimed, final ? { status: 'failed', reason, finished_at: this.clock.now() } : { reason });
    if (final) return 'failed';
    throw error;
  }

  private async release(claimed: Claimed, changes: { status?: 'cancelled' | 'failed'; reason: string; finished_at?: Date }): Promise<void> {
    await this.db
      .updateTable('reminders')
      .set({ ...changes, lease_token: null, lease_until: null })
      .where('reminder_id', '=', claimed.reminder_id)
      .where('lease_token', '=', claimed.lease_token)
      .execute();
  }
}
