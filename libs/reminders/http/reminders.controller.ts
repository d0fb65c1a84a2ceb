import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '@shinchoku/database';
import * as s from './schemas';

/** Every reminder planned, and what became of it: sent, cancelled or failed, with the reason. */
@ApiTags('reminders')
@ApiBearerAuth()
@Controller('api/v1/reminders')
export class RemindersController {
  constructor(private readonly db: Kysely<Database>) {}

  @Get()
  async list(@Query({ schema: s.listRemindersQuery }) query: z.infer<typeof s.listRemindersQuery>) {
    let select = this.db.selectFrom('reminders').selectAll().orderBy('send_at').orderBy('reminder_id').limit(query.limit);
    if (query.sheetId) select = select.where('sheet_id', '=', query.sheetId);
    if (query.status) select = select.where('status', '=', query.status);
    const rows = await select.execute();
    return {
      items: rows.map((r) => ({
        reminderId: r.reminder_id,
        sheetId: r.sheet_id,
        kind: r.kind,
        dueOn: r.due_on,
        quarter: r.quarter,
        sendOn: r.send_on,
        sendAt: r.send_at.toISOString(),
        recipient: r.recipient,
        channel: r.channel,
        status: r.status,
        reason: r.reason,
        attempts: r.attempts,
        plannedAt: r.planned_at.toISOString(),
        finishedAt: r.finished_at?.toISOString() ?? null,
      })),
    };
  }
}
