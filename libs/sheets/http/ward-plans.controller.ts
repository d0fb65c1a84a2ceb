import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { Requires, Visible, scope, type Visibility } from '@shinchoku/access';
import { CommandRequest, Problem, newId } from '@shinchoku/http';
import type { RequestContext } from '@shinchoku/http';
import { fiscalYearLabel } from '@shinchoku/municipality';
import type { WardPlan, WardPlanCommand } from '../domain/ward-plan';
import type { AggregateCommand } from '../application/aggregate-command';
import { CreateWardPlan, EvaluateWardPlan, RevisePriorityGoals } from '../application/sheet-bus-commands';
import { ListWardPlans, WardPlanById } from '../application/sheet-bus-queries';
import * as s from './schemas';

/** 区 組織目標: a ward's 区長, purpose and numbered 重点目標, and its year-end evaluation. */
@ApiTags('ward plans')
@ApiBearerAuth()
@Controller('api/v1/ward-plans')
export class WardPlansController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

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

  @Requires('read', scope.list)
  @Get()
  async list(@Query({ schema: s.listWardPlansQuery }) query: z.infer<typeof s.listWardPlansQuery>, @Visible() visible: Visibility) {
    const rows = await this.queryBus.execute(new ListWardPlans({ ...query, visible }));
    return { items: rows.map(({ plan, version }) => view(plan, version)) };
  }

  @Requires('read', scope.wardPlan())
  @Get(':wardPlanId')
  async get(@Param('wardPlanId', { schema: s.idParam }) wardPlanId: string) {
    const found = await this.queryBus.execute(new WardPlanById(wardPlanId));
    if (!found) throw new Problem(404, 'WardPlanNotFound', `there is no ward plan ${wardPlanId}`);
    return view(found.plan, found.version);
  }

  @Requires('wardPlan.write', scope.wardPlan())
  @Put(':wardPlanId/priority-goals')
  revisePriorityGoals(
    @Param('wardPlanId', { schema: s.idParam }) wardPlanId: string,
    @Body({ schema: s.revisePriorityGoalsBody }) body: z.infer<typeof s.revisePriorityGoalsBody>,
    @CommandRequest() request: RequestContext,
  ) {
    return this.run(new RevisePriorityGoals(wardPlanId, { priorityGoals: body.priorityGoals }, { ...request, source: 'api' }));
  }

  @Requires('wardPlan.evaluate', scope.wardPlan())
  @Put(':wardPlanId/evaluation')
  evaluate(
    @Param('wardPlanId', { schema: s.idParam }) wardPlanId: string,
    @Body({ schema: s.evaluateWardPlanBody }) body: z.infer<typeof s.evaluateWardPlanBody>,
    @CommandRequest() request: RequestContext,
  ) {
    return this.run(new EvaluateWardPlan(wardPlanId, body, { ...request, source: 'api' }));
  }

  private async run(command: AggregateCommand<WardPlanCommand>) {
    const { version } = await this.commandBus.execute(command);
    return { wardPlanId: command.id, version };
  }
}

const view = (plan: WardPlan, version: number) => ({ ...plan, fiscalYearLabel: fiscalYearLabel(plan.fiscalYear), version });
