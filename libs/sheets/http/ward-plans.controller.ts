import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { CommandRequest, Operation, change, Problem, newId, type Out, type RequestContext } from '@shinchoku/http';
import { Requires, Visible, scope, type Visibility } from '@shinchoku/access';
import { fiscalYearLabel } from '@shinchoku/municipality';
import type { WardPlan, WardPlanCommand } from '../domain/ward-plan';
import type { AggregateCommand } from '../application/aggregate-command';
import { CreateWardPlan, EvaluateWardPlan, RevisePriorityGoals } from '../application/sheet-bus-commands';
import { ListWardPlans, WardPlanById } from '../application/sheet-bus-queries';
import * as s from './schemas';
import * as r from './responses';

/** 区 組織目標: a ward's 区長, purpose and numbered 重点目標, and its year-end evaluation. */
@ApiTags('ward plans')
@ApiBearerAuth()
@Controller('api/v1/ward-plans')
export class WardPlansController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Operation({
    summary: 'Create a ward plan',
    description:
      'Starts a ward’s 区 組織目標 for a fiscal year: its 区長, purpose and numbered 重点目標. One per ward and year (422 WardPlanAlreadyExists).',
    responses: [{ status: 201, description: 'Created.', json: r.wardPlanVersion, headers: ['Location', 'ETag'] }],
    accepts: ['Idempotency-Key'],
    jsonBody: true,
  })
  @Requires('wardPlan.write', scope.body)
  @Post()
  @HttpCode(201)
  async create(
    @Body({ schema: s.createWardPlanBody }) body: z.infer<typeof s.createWardPlanBody>,
    @CommandRequest() request: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const wardPlanId = newId(request, 'ward-plan');
    const result = await this.run(new CreateWardPlan(wardPlanId, { wardPlanId, ...body }, { ...request, source: 'api' }));
    reply.header('location', `/api/v1/ward-plans/${wardPlanId}`);
    return result;
  }

  @Operation({
    summary: 'List ward plans',
    description: 'Ward plans the token may read, by department and fiscal year.',
    responses: [{ status: 200, description: 'The ward plans.', json: r.wardPlanList }],
  })
  @Requires('read', scope.list)
  @Get()
  async list(
    @Query({ schema: s.listWardPlansQuery }) query: z.infer<typeof s.listWardPlansQuery>,
    @Visible() visible: Visibility,
  ): Promise<Out<typeof r.wardPlanList>> {
    const rows = await this.queryBus.execute(new ListWardPlans({ ...query, visible }));
    return { items: rows.map(({ plan, version }) => view(plan, version)) };
  }

  @Operation({
    summary: 'Read a ward plan',
    description: 'A ward plan with its version (also the ETag; If-None-Match answers 304 while it is current).',
    responses: [{ status: 200, description: 'The ward plan.', json: r.wardPlan, headers: ['ETag'] }],
    problems: [404],
    accepts: ['If-None-Match'],
  })
  @Requires('read', scope.wardPlan())
  @Get(':wardPlanId')
  async get(@Param('wardPlanId', { schema: s.idParam }) wardPlanId: string): Promise<Out<typeof r.wardPlan>> {
    const found = await this.queryBus.execute(new WardPlanById(wardPlanId));
    if (!found) throw new Problem(404, 'WardPlanNotFound', `there is no ward plan ${wardPlanId}`);
    return view(found.plan, found.version);
  }

  @Operation(
    change({ summary: 'Revise the priority goals', description: 'Replaces the ward plan’s numbered 重点目標.' }, r.wardPlanVersion),
  )
  @Requires('wardPlan.write', scope.wardPlan())
  @Put(':wardPlanId/priority-goals')
  revisePriorityGoals(
    @Param('wardPlanId', { schema: s.idParam }) wardPlanId: string,
    @Body({ schema: s.revisePriorityGoalsBody }) body: z.infer<typeof s.revisePriorityGoalsBody>,
    @CommandRequest() request: RequestContext,
  ) {
    return this.run(new RevisePriorityGoals(wardPlanId, { priorityGoals: body.priorityGoals }, { ...request, source: 'api' }));
  }

  @Operation(
    change(
      { summary: 'Evaluate a ward plan', description: 'Records the ward’s year-end evaluation: 達成数, 取組結果 and 今後の方向性.' },
      r.wardPlanVersion,
    ),
  )
  @Requires('wardPlan.evaluate', scope.wardPlan())
  @Put(':wardPlanId/evaluation')
  evaluate(
    @Param('wardPlanId', { schema: s.idParam }) wardPlanId: string,
    @Body({ schema: s.evaluateWardPlanBody }) body: z.infer<typeof s.evaluateWardPlanBody>,
    @CommandRequest() request: RequestContext,
  ) {
    return this.run(new EvaluateWardPlan(wardPlanId, body, { ...request, source: 'api' }));
  }

  private async run(command: AggregateCommand<WardPlanCommand>): Promise<Out<typeof r.wardPlanVersion>> {
    const { version } = await this.commandBus.execute(command);
    return { wardPlanId: command.id, version };
  }
}

const view = (plan: WardPlan, version: number) => ({ ...plan, fiscalYearLabel: fiscalYearLabel(plan.fiscalYear), version });
