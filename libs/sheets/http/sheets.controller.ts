import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { Requires, Visible, scope, type Visibility } from '@shinchoku/access';
import { CommandRequest, Operation, change, Problem, etag, newId, toCsv, type Out } from '@shinchoku/http';
import type { Config } from '@shinchoku/config';
import { CONFIG } from '@shinchoku/runtime';
import type { RequestContext } from '@shinchoku/http';
import { parseMeasurement } from '../domain/measurement';
import type { SheetCommand } from '../domain/sheet.commands';
import { viewOf } from '../domain/sheet.view';
import { auditTrail } from '../domain/audit';
import { evolve } from '../domain/sheet.evolve';
import type { Baseline } from '../domain/sheet.types';
import type { AggregateCommand } from '../application/aggregate-command';
import type { CommandSource } from '../application/command-runner';
import {
  AddGoal,
  CloseSheet,
  CreateSheet,
  DefineIndicator,
  Evaluate,
  RecordProgress,
  RecordResult,
  RemoveGoal,
  ReopenSheet,
  ReviseGoal,
  ReviseIndicator,
  ReviseSheet,
  SetEvaluationDate,
  SetTarget,
} from '../application/sheet-bus-commands';
import { CurrentSheet, ListIndicators, ListSheets, SheetHistory } from '../application/sheet-bus-queries';
import { fiscalYearLabel } from '@shinchoku/municipality';
import * as s from './schemas';
import * as r from './responses';

/** 組織目標管理シート over HTTP: each write is one command; reads come from the inline projection. */
@ApiTags('sheets')
@ApiBearerAuth()
@Controller('api/v1/sheets')
export class SheetsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Operation({
    summary: 'Create a sheet',
    description:
      'Starts an org unit’s 組織目標管理シート for a fiscal year. One sheet per unit and year (422 SheetAlreadyExists). `createdOn` is a real calendar date (YYYY-MM-DD).',
    responses: [{ status: 201, description: 'Created.', json: r.sheetVersion, headers: ['Location', 'ETag'] }],
    accepts: ['Idempotency-Key'],
    jsonBody: true,
  })
  @Requires('sheet.create', scope.body)
  @Post()
  @HttpCode(201)
  async create(
    @Body({ schema: s.createSheetBody }) body: z.infer<typeof s.createSheetBody>,
    @CommandRequest() request: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const sheetId = newId(request, 'sheet');
    const { version } = await this.run(new CreateSheet(sheetId, { sheetId, ...body }, this.source(request)));
    reply.header('location', `/api/v1/sheets/${sheetId}`);
    return { sheetId, version };
  }

  @Operation({
    summary: 'List sheets',
    description:
      'Sheets the token may read, filtered by fiscal year, department, org unit (課), status, goal rating and progress state; a page at a time. `cursor` is opaque: pass back `nextCursor` unchanged (anything else is 400).',
    responses: [{ status: 200, description: 'A page of sheets.', json: r.sheetList }],
  })
  @Requires('read', scope.list)
  @Get()
  async list(
    @Query({ schema: s.listQuery }) query: z.infer<typeof s.listQuery>,
    @Visible() visible: Visibility,
  ): Promise<Out<typeof r.sheetList>> {
    const { limit, cursor, ...filter } = query;
    const page = await this.queryBus.execute(new ListSheets({ ...filter, visible }, limit, cursor));
    return {
      items: page.items.map(({ sheet, version, progressState }) => ({
        sheetId: sheet.sheetId,
        version,
        fiscalYear: sheet.fiscalYear,
        fiscalYearLabel: fiscalYearLabel(sheet.fiscalYear),
        department: sheet.department,
        unit: sheet.unit,
        status: sheet.status,
        evaluationDate: sheet.evaluationDate ?? null,
        progressState,
        goals: sheet.goals.length,
        evaluated: sheet.goals.filter((goal) => goal.evaluation).length,
      })),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * The current sheet, or with ?asOf= / ?version= the sheet exactly as it was then. The current one
   * comes from this process's memory when it can (exact for this process's own writes, others'
   * within SHEET_CACHE_POLL_MS); `Cache-Control: no-cache` reads the database.
   */
  @Operation({
    summary: 'Read a sheet',
    description:
      'The current sheet (ETag = its version; If-None-Match answers 304 while it is current), or with `asOf` or `version` — one of them, not both — the sheet exactly as it was then. `Cache-Control: no-cache` reads the database instead of this process’s memory.',
    responses: [{ status: 200, description: 'The sheet (a past one has `asOf`).', json: r.sheetView, headers: ['ETag'] }],
    problems: [404],
    accepts: ['If-None-Match', 'Cache-Control'],
  })
  @Requires('read', scope.sheet())
  @Get(':sheetId')
  async get(
    @Param('sheetId', { schema: s.idParam }) sheetId: string,
    @Query({ schema: s.asOfQuery }) query: z.infer<typeof s.asOfQuery>,
    @Headers('cache-control') cacheControl: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | string | Out<typeof r.sheetView>> {
    if (query.asOf === undefined && query.version === undefined) {
      // The hot read: the view was rendered when it last changed, so it is sent as stored.
      const found = await this.queryBus.execute(new CurrentSheet(sheetId, NO_CACHE.test(cacheControl ?? '')));
      if (!found) throw sheetNotFound(sheetId);
      void reply.header('etag', etag(found.version)).type('application/json; charset=utf-8');
      return found.body;
    }
    const asOf = query.asOf === undefined ? undefined : new Date(query.asOf);
    const past = await this.queryBus.execute(new SheetHistory(sheetId, asOf ? { asOf } : { toVersion: query.version! }));
    if (!past.state) {
      const exists = (await this.queryBus.execute(new CurrentSheet(sheetId, true))) !== undefined;
      if (!exists) throw sheetNotFound(sheetId);
      throw new Problem(404, 'SheetNotYetCreated', `sheet ${sheetId} did not exist yet at ${query.asOf}`);
    }
    if (query.version !== undefined && past.version < query.version) {
      throw new Problem(404, 'VersionNotFound', `sheet ${sheetId} has no version ${query.version}; its latest is ${past.version}`);
    }
    return {
      ...viewOf(past.state, this.config.progressThresholds),
      version: past.version,
      asOf: asOf?.toISOString() ?? past.events.at(-1)!.recordedAt.toISOString(),
    };
  }

  @Operation({
    summary: 'Revise a sheet',
    description:
      'Changes the sheet’s narrative fields (目的, 施策指標, 担当, 取組方針, 成果総括) or its rating profile. Name at least one field.',
    responses: [
      { status: 200, description: 'Changed (or already so: a no-op keeps the version).', json: r.sheetVersion, headers: ['ETag'] },
    ],
    problems: [404, 422],
    accepts: ['If-Match', 'Idempotency-Key'],
    jsonBody: true,
  })
  @Requires('sheet.edit', scope.sheet())
  @Patch(':sheetId')
  revise(
    @Param('sheetId', { schema: s.idParam }) sheetId: string,
    @Body({ schema: s.reviseSheetBody }) changes: z.infer<typeof s.reviseSheetBody>,
    @CommandRequest() request: RequestContext,
  ) {
    return this.run(new ReviseSheet(sheetId, { changes }, this.source(request)));
  }

  @Operation({
    summary: 'Add a goal',
    description: 'Adds a 目標 to the sheet, numbered next unless `no` is given.',
    responses: [{ status: 201, description: 'Added.', json: r.goalAdded, headers: ['ETag'] }],
    problems: [404],
    accepts: ['If-Match', 'Idempotency-Key'],
    jsonBody: true,
  })
  @Requires('sheet.edit', scope.sheet())
  @Post(':sheetId/goals')
  @HttpCode(201)
  async addGoal(
    @Param('sheetId', { schema: s.idParam }) sheetId: string,
    @Body({ schema: s.addGoalBody }) body: z.infer<typeof s.addGoalBody>,
    @CommandRequest() request: RequestContext,
  ) {
    const goalId = newId(request, 'goal');
    const { version } = await this.run(new AddGoal(sheetId, { goalId, ...body }, this.source(request)));
    return { goalId, version };
  }

  @Operation(
    change(
      {
        summary: 'Revise a goal',
        description: 'Changes a goal’s number, text, 部区組織目標 link, plan references or initiatives (取組). Name at least one field.',
      },
      r.sheetVersion,
      'Changed (or already so: a no-op keeps the version).',
    ),
  )
  @Requires('sheet.edit', scope.sheet())
  @Patch(':sheetId/goals/:goalId')
  reviseGoal(
    @Param('sheetId', { schema: s.idParam }) sheetId: string,
    @Param('goalId', { schema: s.idParam }) goalId: string,
    @Body({ schema: s.reviseGoalBody }) changes: z.infer<typeof s.reviseGoalBody>,
    @CommandRequest() request: RequestContext,
  ) {
    return this.run(new ReviseGoal(sheetId, { goalId, changes }, this.source(request)));
  }

  @Operation({
    summary: 'Remove a goal',
    description: 'Removes a goal and its indicators from the sheet (the events keep them).',
    responses: [
      { status: 200, description: 'Changed (or already so: a no-op keeps the version).', json: r.sheetVersion, headers: ['ETag'] },
    ],
    problems: [404],
    accepts: ['If-Match', 'Idempotency-Key'],
  })
  @Requires('sheet.edit', scope.sheet())
  @Delete(':sheetId/goals/:goalId')
  removeGoal(
    @Param('sheetId', { schema: s.idParam }) sheetId: string,
    @Param('goalId', { schema: s.idParam }) goalId: string,
    @CommandRequest() request: RequestContext,
  ) {
    return this.run(new RemoveGoal(sheetId, { goalId }, this.source(request)));
  }

  @Operation({
    summary: 'Define an indicator',
    description:
      'Adds a 指標 to a goal: its name, measurement unit (単位), measure (cumulative or level), prior years’ actuals and target.',
    responses: [{ status: 201, description: 'Defined.', json: r.indicatorDefined, headers: ['ETag'] }],
    problems: [404],
    accepts: ['If-Match', 'Idempotency-Key'],
    jsonBody: true,
  })
  @Requires('sheet.edit', scope.sheet())
  @Post(':sheetId/goals/:goalId/indicators')
  @HttpCode(201)
  async defineIndicator(
    @Param('sheetId', { schema: s.idParam }) sheetId: string,
    @Param('goalId', { schema: s.idParam }) goalId: string,
    @Body({ schema: s.defineIndicatorBody }) body: z.infer<typeof s.defineIndicatorBody>,
    @CommandRequest() request: RequestContext,
  ) {
    const indicatorId = newId(request, 'indicator');
    const { baselines, ...rest } = body;
    const fields = { goalId, indicatorId, ...rest, ...(baselines && { baselines: toBaselines(baselines) }) };
    const { version } = await this.run(new DefineIndicator(sheetId, fields, this.source(request)));
    return { indicatorId, version };
  }

  @Operation(
    change(
      {
        summary: 'Revise an indicator',
        description: 'Changes an indicator’s name, measurement unit, measure, progress entry, baselines or notes. Name at least one field.',
      },
      r.sheetVersion,
      'Changed (or already so: a no-op keeps the version).',
    ),
  )
  @Requires('sheet.edit', scope.sheet())
  @Patch(':sheetId/indicators/:indicatorId')
  reviseIndicator(
    @Param('sheetId', { schema: s.idParam }) sheetId: string,
    @Param('indicatorId', { schema: s.idParam }) indicatorId: string,
    @Body({ schema: s.reviseIndicatorBody }) body: z.infer<typeof s.reviseIndicatorBody>,
    @CommandRequest() request: RequestContext,
  ) {
    const { baselines, ...rest } = body;
    const changes = { ...rest, ...(baselines && { baselines: toBaselines(baselines) }) };
    return this.run(new ReviseIndicator(sheetId, { indicatorId, changes }, this.source(request)));
  }

  @Operation(
    change(
      {
        summary: 'Set a target',
        description: 'Sets the year’s target (R6目標) as written; what can be read from it (a number, a share, a milestone…) is derived.',
      },
      r.sheetVersion,
      'Changed (or already so: a no-op keeps the version).',
    ),
  )
  @Requires('sheet.edit', scope.sheet())
  @Put(':sheetId/indicators/:indicatorId/target')
  setTarget(
    @Param('sheetId', { schema: s.idParam }) sheetId: string,
    @Param('indicatorId', { schema: s.idParam }) indicatorId: string,
    @Body({ schema: s.setTargetBody }) body: z.infer<typeof s.setTargetBody>,
    @CommandRequest() request: RequestContext,
  ) {
    return this.run(new SetTarget(sheetId, { indicatorId, text: body.text }, this.source(request)));
  }

  @Operation(
    change(
      {
        summary: 'Record progress',
        description:
          'Records a quarter’s figure (進捗) as written: a number or text such as 38,120件. Send If-Match with the ETag you read so that a figure someone else changed meanwhile is not overwritten (412).',
      },
      r.sheetVersion,
      'Changed (or already so: a no-op keeps the version).',
    ),
  )
  @Requires('sheet.record', scope.sheet())
  @Put(':sheetId/indicators/:indicatorId/progress/:quarter')
  recordProgress(
    @Param('sheetId', { schema: s.idParam }) sheetId: string,
    @Param('indicatorId', { schema: s.idParam }) indicatorId: string,
    @Param('quarter', { schema: s.quarterParam }) quarter: number,
    @Body({ schema: s.recordBody }) body: z.infer<typeof s.recordBody>,
    @CommandRequest() request: RequestContext,
  ) {
    return this.run(new RecordProgress(sheetId, { indicatorId, quarter, ...body }, this.source(request)));
  }

  @Operation(
    change(
      { summary: 'Record a result', description: 'Records the year’s result (実績) as written.' },
      r.sheetVersion,
      'Changed (or already so: a no-op keeps the version).',
    ),
  )
  @Requires('sheet.record', scope.sheet())
  @Put(':sheetId/indicators/:indicatorId/result')
  recordResult(
    @Param('sheetId', { schema: s.idParam }) sheetId: string,
    @Param('indicatorId', { schema: s.idParam }) indicatorId: string,
    @Body({ schema: s.recordBody }) body: z.infer<typeof s.recordBody>,
    @CommandRequest() request: RequestContext,
  ) {
    return this.run(new RecordResult(sheetId, { indicatorId, ...body }, this.source(request)));
  }

  @Operation(
    change(
      {
        summary: 'Set the evaluation date',
        description: 'Sets the date of the year-end evaluation (評価日): a real calendar date inside the fiscal year’s evaluation window.',
      },
      r.sheetVersion,
      'Changed (or already so: a no-op keeps the version).',
    ),
  )
  @Requires('sheet.schedule', scope.sheet())
  @Put(':sheetId/evaluation-date')
  setEvaluationDate(
    @Param('sheetId', { schema: s.idParam }) sheetId: string,
    @Body({ schema: s.setEvaluationDateBody }) body: z.infer<typeof s.setEvaluationDateBody>,
    @CommandRequest() request: RequestContext,
  ) {
    return this.run(new SetEvaluationDate(sheetId, { date: body.date }, this.source(request)));
  }

  @Operation(
    change(
      {
        summary: 'Evaluate a goal',
        description:
          'Rates a goal ○, △ or × (評価), with the status, policy and the reason when the rating differs from the suggested one.',
      },
      r.sheetVersion,
      'Changed (or already so: a no-op keeps the version).',
    ),
  )
  @Requires('sheet.evaluate', scope.sheet())
  @Put(':sheetId/goals/:goalId/evaluation')
  evaluate(
    @Param('sheetId', { schema: s.idParam }) sheetId: string,
    @Param('goalId', { schema: s.idParam }) goalId: string,
    @Body({ schema: s.evaluateBody }) body: z.infer<typeof s.evaluateBody>,
    @CommandRequest() request: RequestContext,
  ) {
    return this.run(new Evaluate(sheetId, { goalId, ...body }, this.source(request)));
  }

  @Operation({
    summary: 'Close a sheet',
    description: 'Closes the year’s sheet once every goal is evaluated; a closed sheet refuses changes.',
    responses: [
      { status: 200, description: 'Changed (or already so: a no-op keeps the version).', json: r.sheetVersion, headers: ['ETag'] },
    ],
    problems: [404],
    accepts: ['If-Match', 'Idempotency-Key'],
  })
  @Requires('sheet.close', scope.sheet())
  @Post(':sheetId/close')
  @HttpCode(200)
  close(@Param('sheetId', { schema: s.idParam }) sheetId: string, @CommandRequest() request: RequestContext) {
    return this.run(new CloseSheet(sheetId, {}, this.source(request)));
  }

  @Operation(
    change(
      { summary: 'Reopen a sheet', description: 'Reopens a closed sheet, with the reason.' },
      r.sheetVersion,
      'Changed (or already so: a no-op keeps the version).',
    ),
  )
  @Requires('sheet.close', scope.sheet())
  @Post(':sheetId/reopen')
  @HttpCode(200)
  reopen(
    @Param('sheetId', { schema: s.idParam }) sheetId: string,
    @Body({ schema: s.reopenBody }) body: z.infer<typeof s.reopenBody>,
    @CommandRequest() request: RequestContext,
  ) {
    return this.run(new ReopenSheet(sheetId, { reason: body.reason }, this.source(request)));
  }

  /**
   * The audit trail in human terms: one entry per command — who, when, why, through what, and
   * each field that changed from what to what. Kept forever; ?format=csv for a spreadsheet.
   */
  @Operation({
    summary: 'Read a sheet’s audit trail',
    description:
      'One entry per command — who, when, why, through what, and each field that changed from what to what — filtered by actor and time. `format=csv` answers a spreadsheet (UTF-8 with BOM) as an attachment.',
    responses: [
      {
        status: 200,
        description: 'The trail, as JSON or CSV.',
        json: r.auditTrail,
        other: { 'text/csv': 'text' },
        headers: ['Content-Disposition'],
      },
    ],
    problems: [404],
  })
  @Requires('read', scope.sheet())
  @Get(':sheetId/audit')
  async audit(
    @Param('sheetId', { schema: s.idParam }) sheetId: string,
    @Query({ schema: s.auditQuery }) query: z.infer<typeof s.auditQuery>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Out<typeof r.auditTrail> | string> {
    const { events } = await this.queryBus.execute(new SheetHistory(sheetId));
    if (events.length === 0) throw sheetNotFound(sheetId);
    const from = query.from && new Date(query.from).getTime();
    const to = query.to && new Date(query.to).getTime();
    const entries = auditTrail(events, evolve).filter(
      (entry) =>
        (!query.actor || entry.actor.id === query.actor || entry.actor.name === query.actor) &&
        (!from || Date.parse(entry.at) >= from) &&
        (!to || Date.parse(entry.at) <= to),
    );
    if (query.format === 'json') return { sheetId, items: entries };
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-${sheetId}.csv"`);
    return toCsv(
      ['version', 'at', 'actor_id', 'actor', 'command', 'reason', 'source', 'path', 'before', 'after'],
      entries.flatMap((e) => {
        const common = [e.version, e.at, e.actor.id, e.actor.name, e.command, e.reason ?? '', e.source];
        return e.changes.length === 0 ? [[...common, '', '', '']] : e.changes.map((c) => [...common, c.path, c.before, c.after]);
      }),
    );
  }

  @Operation({
    summary: 'Read a sheet’s events',
    description: 'The sheet’s stream as stored: every event, oldest first, with its metadata. Events are facts: never edited.',
    responses: [{ status: 200, description: 'The events.', json: r.eventList }],
    problems: [404],
  })
  @Requires('read', scope.sheet())
  @Get(':sheetId/events')
  async events(@Param('sheetId', { schema: s.idParam }) sheetId: string): Promise<Out<typeof r.eventList>> {
    const { events } = await this.queryBus.execute(new SheetHistory(sheetId));
    if (events.length === 0) throw sheetNotFound(sheetId);
    return {
      items: events.map((e) => ({
        eventId: e.eventId,
        version: e.version,
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: e.data,
        metadata: e.metadata,
        recordedAt: e.recordedAt.toISOString(),
      })),
    };
  }

  private async run(command: AggregateCommand<SheetCommand>): Promise<Out<typeof r.sheetVersion>> {
    const { version } = await this.commandBus.execute(command);
    return { sheetId: command.id, version };
  }

  private source(request: RequestContext): CommandSource {
    return { ...request, source: 'api' };
  }
}

/** The request directive no-cache, among others (RFC 9111 §5.2.1.4). */
const NO_CACHE = /(?:^|,)\s*no-cache\s*(?:,|$)/i;

const sheetNotFound = (sheetId: string) => new Problem(404, 'SheetNotFound', `there is no sheet ${sheetId}`);

const toBaselines = (baselines: Array<{ fiscalYear: number; actual: number | string }>): Baseline[] =>
  baselines.map((b) => ({ fiscalYear: b.fiscalYear, actual: parseMeasurement(b.actual) }));

/** Indicators across sheets, to find what is behind: filter by year, org, status, rating and progress state. */
@ApiTags('sheets')
@ApiBearerAuth()
@Controller('api/v1/indicators')
export class IndicatorsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Operation({
    summary: 'List indicators',
    description:
      'Indicators across the sheets the token may read, to find what is behind: filter by fiscal year, department, org unit (課), sheet status, goal rating and progress state. Each item names its org unit `orgUnit` and its measurement unit `measurementUnit`. `cursor` is opaque: pass back `nextCursor` unchanged.',
    responses: [{ status: 200, description: 'A page of indicators.', json: r.indicatorList }],
  })
  @Requires('read', scope.list)
  @Get()
  list(
    @Query({ schema: s.listQuery }) { limit, cursor, ...filter }: z.infer<typeof s.listQuery>,
    @Visible() visible: Visibility,
  ): Promise<Out<typeof r.indicatorList>> {
    return this.queryBus.execute(new ListIndicators({ ...filter, visible }, limit, cursor));
  }
}
