import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Kysely } from 'kysely';
import { z } from 'zod';
import { Requires, Visible, inScope, scope, type Visibility } from '@shinchoku/access';
import type { Database } from '@shinchoku/database';
import { Problem } from '@shinchoku/http';
import { Clock } from '@shinchoku/runtime';
import { fiscalYearText as fiscalYear } from '@shinchoku/sheets';
import { fiscalYearLabel, quarterEnd, tokyoDateOf, type Quarter, departmentName } from '@shinchoku/municipality';
import type { UnitCompletion } from './summaries';
import { summariesProcessor } from './summaries.processor';

const ward = z.string().trim().min(1).max(200);

/** Summaries kept by the `summaries` processor: as fresh as its checkpoint, which each answer states. */
@ApiTags('summaries')
@ApiBearerAuth()
@Controller('api/v1/summaries')
export class SummariesController {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  @Requires('read', scope.department())
  @Get('wards/:department/:fiscalYear')
  async ward(@Param('department', { schema: ward }) department: string, @Param('fiscalYear', { schema: fiscalYear }) year: number) {
    const name = departmentName(department);
    const row = await this.db
      .selectFrom('ward_summaries')
      .select('summary')
      .where('ward', '=', name)
      .where('fiscal_year', '=', year)
      .executeTakeFirst();
    if (!row) throw new Problem(404, 'SummaryNotFound', `there is nothing for ${name} in ${fiscalYearLabel(year)} yet`);
    return { ...(row.summary as object), updatedThrough: await this.updatedThrough() };
  }

  /** Every unit's quarterly progress for the year: which quarters are missing where, and which of them are already due. */
  @Requires('read', scope.list)
  @Get('fiscal-years/:fiscalYear')
  async fiscalYear(@Param('fiscalYear', { schema: fiscalYear }) year: number, @Visible() visible: Visibility) {
    const rows = await this.db
      .selectFrom('unit_completion')
      .select(['ward', 'completion'])
      .where('fiscal_year', '=', year)
      .where(inScope(visible, 'department', 'unit'))
      .orderBy('ward')
      .orderBy('unit')
      .execute();
    const today = tokyoDateOf(this.clock.now());
    const units = rows.map(({ ward, completion }) => {
      const unit = completion as UnitCompletion;
      const quarters = Object.fromEntries(
        ([1, 2, 3, 4] as Quarter[]).map((q) => [q, { ...unit.quarters[q], due: quarterEnd(year, q) < today }]),
      );
      return { ward, ...unit, quarters };
    });
    const overdue = units.flatMap((u) =>
      Object.entries(u.quarters)
        .filter(([, q]) => q.due && q.missing.length > 0)
        .map(([quarter, q]) => ({ ward: u.ward, unit: u.unit, sheetId: u.sheetId, quarter: Number(quarter), missing: q.missing })),
    );
    return { fiscalYear: year, fiscalYearLabel: fiscalYearLabel(year), units, overdue, updatedThrough: await this.updatedThrough() };
  }

  private async updatedThrough(): Promise<string | null> {
    const row = await this.db
      .selectFrom('processor_checkpoints')
      .select('updated_at')
      .where('processor', '=', summariesProcessor.name)
      .executeTakeFirst();
    return row?.updated_at.toISOString() ?? null;
  }
}
