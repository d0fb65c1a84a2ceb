import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Kysely } from 'kysely';
import { z } from 'zod';
import { Requires, Visible, inScope, scope, type Visibility } from '@shinchoku/access';
import type { Database } from '@shinchoku/database';
import { Operation, Problem, type Out } from '@shinchoku/http';
import { Clock } from '@shinchoku/runtime';
import { fiscalYearText as fiscalYear } from '@shinchoku/sheets';
import { fiscalYearLabel, quarterEnd, tokyoDateOf, type Quarter, departmentName } from '@shinchoku/municipality';
import { wardSummary, type UnitCompletion, type WardSummary } from './summaries';
import { summariesProcessor } from './summaries.processor';
import * as r from './responses';

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

  @Operation({
    summary: 'Summarize a ward’s year',
    description:
      'One ward’s year: 重点目標 with 目標数 / 達成数, goal ratings and indicators at risk, as of `updatedThrough`. A ward and year with sheets or a plan always answer, empty or partial until the summaries processor catches up; 404 only when there are neither.',
    responses: [{ status: 200, description: 'The summary.', json: r.wardSummary }],
    problems: [404],
  })
  @Requires('read', scope.department())
  @Get('wards/:department/:fiscalYear')
  async ward(
    @Param('department', { schema: ward }) department: string,
    @Param('fiscalYear', { schema: fiscalYear }) year: number,
  ): Promise<Out<typeof r.wardSummary>> {
    const name = departmentName(department);
    const row = await this.db
      .selectFrom('ward_summaries')
      .select('summary')
      .where('ward', '=', name)
      .where('fiscal_year', '=', year)
      .executeTakeFirst();
    const updatedThrough = await this.updatedThrough();
    if (row) return { ...(row.summary as WardSummary), updatedThrough };
    // The processor summarizes after the fact: a ward and year that have sheets or a plan are
    // answered (empty until it catches up, as `updatedThrough` says), never "not found".
    if (!(await this.known(name, year)))
      throw new Problem(404, 'SummaryNotFound', `there are no sheets and no ward plan of ${name} for ${fiscalYearLabel(year)}`);
    return { ...wardSummary(name, year, undefined, []), updatedThrough };
  }

  /** Every unit's quarterly progress for the year: which quarters are missing where, and which of them are already due. */
  @Operation({
    summary: 'Summarize a fiscal year',
    description:
      'Every unit’s quarterly progress for the year the token may read: which quarters are missing where, and which of them are already due.',
    responses: [{ status: 200, description: 'The summary.', json: r.fiscalYearSummary }],
  })
  @Requires('read', scope.list)
  @Get('fiscal-years/:fiscalYear')
  async fiscalYear(
    @Param('fiscalYear', { schema: fiscalYear }) year: number,
    @Visible() visible: Visibility,
  ): Promise<Out<typeof r.fiscalYearSummary>> {
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
      ) as Record<Quarter, UnitCompletion['quarters'][Quarter] & { due: boolean }>;
      return { ward, ...unit, quarters };
    });
    const overdue = units.flatMap((u) =>
      Object.entries(u.quarters)
        .filter(([, q]) => q.due && q.missing.length > 0)
        .map(([quarter, q]) => ({ ward: u.ward, unit: u.unit, sheetId: u.sheetId, quarter: Number(quarter), missing: q.missing })),
    );
    return { fiscalYear: year, fiscalYearLabel: fiscalYearLabel(year), units, overdue, updatedThrough: await this.updatedThrough() };
  }

  /** Whether the inline projections hold a sheet or a ward plan of the ward for the year. */
  private async known(ward: string, year: number): Promise<boolean> {
    const sheet = await this.db
      .selectFrom('sheets')
      .select('sheet_id')
      .where('department', '=', ward)
      .where('fiscal_year', '=', year)
      .limit(1)
      .executeTakeFirst();
    if (sheet) return true;
    return (
      (await this.db
        .selectFrom('ward_plans')
        .select('ward_plan_id')
        .where('department', '=', ward)
        .where('fiscal_year', '=', year)
        .limit(1)
        .executeTakeFirst()) !== undefined
    );
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
