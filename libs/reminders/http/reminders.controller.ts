import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Kysely } from 'kysely';
import type { z } from 'zod';
import { Requires, Visible, inScope, scope, type Visibility } from '@shinchoku/access';
import type { Database } from '@shinchoku/database';
import { Operation, type Out } from '@shinchoku/http';
import * as s from './schemas';
import { reminderList } from './responses';
import type { Recipient } from '../domain/planner';

/** Every reminder planned, and what became of it: sent, cancelled or failed, with the reason. */
@ApiTags('reminders')
@ApiBearerAuth()
@Controller('api/v1/reminders')
export class RemindersController {
  constructor(private readonly db: Kysely<Database>) {}

  @Operation({
    summary: 'List reminders',
    description: 'Reminders planned for the sheets the token may read, and what became of each, in the order they are sent.',
    responses: [{ status: 200, description: 'The reminders.', json: reminderList }],
  })
  @Get()
  @Requires('read', scope.list)
  async list(
    @Query({ schema: s.listRemindersQuery }) query: z.infer<typeof s.listRemindersQuery>,
    @Visible() visible: Visibility,
  ): Promise<Out<typeof reminderList>> {
    let select = this.db.selectFrom('reminders').selectAll('reminders').orderBy('send_at').orderBy('reminder_id').limit(query.limit);
    // A reminder is seen where its sheet is.
    if (visible !== 'all')
      select = select
        .innerJoin('sheets', 'sheets.sheet_id', 'reminders.sheet_id')
        .where(inScope(visible, 'sheets.department', 'sheets.unit'));
    if (query.sheetId) select = select.where('reminders.sheet_id', '=', query.sheetId);
    if (query.status) select = select.where('reminders.status', '=', query.status);
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
        recipient: r.recipient as Recipient,
        channel: r.channel,
        status: r.status as Out<typeof reminderList>['items'][number]['status'],
        reason: r.reason,
        attempts: r.attempts,
        plannedAt: r.planned_at.toISOString(),
        finishedAt: r.finished_at?.toISOString() ?? null,
      })),
    };
  }
}
