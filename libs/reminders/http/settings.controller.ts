import { Body, Controller, Get, Patch, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Requires, scope } from '@shinchoku/access';
import { CommandRequest, Operation, Problem, etag, type OperationContract, type Out, type RequestContext } from '@shinchoku/http';
import { SettingsRefused, type ReminderSettingsCommand } from '../domain/reminder-settings';
import { ReminderSettingsService, SettingsKeyReused, SettingsVersionMismatch } from '../application/reminder-settings';
import type { RecordedChange, RecordedSettings } from '../application/settings-stream';
import * as s from './settings.schemas';
import * as r from './responses';

const CHANGE_RULES =
  'Every reminder planned from now on follows the new settings at once. If-Match is required (428 PreconditionRequired without it): the ETag of GET /api/v1/settings/reminders, so that one administrator cannot silently undo another’s change (412 VersionMismatch with the current ETag). `reason` is required and recorded with who made the change.';

/** What PUT and PATCH answer alike. */
const CHANGE = {
  responses: [
    { status: 200, description: 'Changed (or already so: a no-op keeps the version).', json: r.reminderSettings, headers: ['ETag'] },
  ],
  problems: [422, 428],
  accepts: ['If-Match', 'Idempotency-Key'],
  jsonBody: true,
} satisfies Omit<OperationContract, 'summary' | 'description'>;

/**
 * The municipality's reminder policy and closed days (閉庁日): the environment's values until an
 * administrator records a change, with who and why; each change re-plans the planned reminders.
 */
@ApiTags('settings')
@ApiBearerAuth()
@Controller('api/v1/settings/reminders')
export class ReminderSettingsController {
  constructor(private readonly settings: ReminderSettingsService) {}

  @Operation({
    summary: 'Read the reminder settings',
    description:
      'The reminder policy (business days before 評価日 and before each quarter closes, escalation after a missed 評価日) and the closed days (閉庁日) in effect, each with where it comes from: the environment (REMINDER_POLICY, REMINDER_CLOSED_DAYS) or the recorded change that last set it. The ETag is the version to send as If-Match when changing them.',
    responses: [{ status: 200, description: 'The settings in effect.', json: r.reminderSettings, headers: ['ETag'] }],
    accepts: ['If-None-Match'],
  })
  @Get()
  @Requires('settings.read', scope.list)
  async get(): Promise<Out<typeof r.reminderSettings>> {
    return view(await this.settings.current());
  }

  @Operation({
    summary: 'List the changes of the reminder settings',
    description: 'Every recorded change of the policy and the closed days (閉庁日), oldest first: what it set, who made it, when and why.',
    responses: [{ status: 200, description: 'The changes and the current version.', json: r.reminderSettingsHistory, headers: ['ETag'] }],
    accepts: ['If-None-Match'],
  })
  @Get('history')
  @Requires('settings.read', scope.list)
  async history(): Promise<Out<typeof r.reminderSettingsHistory>> {
    const { changes, version } = await this.settings.current();
    return { items: changes.map(({ data, ...change }) => ({ ...change, recordedAt: change.recordedAt.toISOString(), data })), version };
  }

  @Operation({
    summary: 'Replace the reminder settings',
    description: `The whole policy and the whole list of closed days (閉庁日), as GET shows them, and why. ${CHANGE_RULES}`,
    ...CHANGE,
  })
  @Put()
  @Requires('settings.write')
  replace(
    @Body({ schema: s.replaceSettingsBody }) body: z.infer<typeof s.replaceSettingsBody>,
    @CommandRequest() request: RequestContext,
  ): Promise<Out<typeof r.reminderSettings>> {
    return this.change(
      [
        { type: 'ChangeReminderPolicy', policy: body.policy, reason: body.reason },
        { type: 'SetClosedDays', closedDays: body.closedDays, reason: body.reason },
      ],
      request,
    );
  }

  @Operation({
    summary: 'Change the reminder settings',
    description: `A new policy (whole), closed days (閉庁日) to add or to remove, or both, and why; name at least one change. ${CHANGE_RULES}`,
    ...CHANGE,
  })
  @Patch()
  @Requires('settings.write')
  amend(
    @Body({ schema: s.changeSettingsBody }) body: z.infer<typeof s.changeSettingsBody>,
    @CommandRequest() request: RequestContext,
  ): Promise<Out<typeof r.reminderSettings>> {
    const { reason } = body;
    return this.change(
      [
        ...(body.policy ? [{ type: 'ChangeReminderPolicy' as const, policy: body.policy, reason }] : []),
        ...(body.addClosedDays || body.removeClosedDays
          ? [
              {
                type: 'ChangeClosedDays' as const,
                addClosedDays: body.addClosedDays ?? [],
                removeClosedDays: body.removeClosedDays ?? [],
                reason,
              },
            ]
          : []),
      ],
      request,
    );
  }

  private async change(commands: ReminderSettingsCommand[], request: RequestContext): Promise<Out<typeof r.reminderSettings>> {
    // One setting for the whole city: a change made without the version it was made from could undo another administrator's.
    if (request.ifMatch === undefined) {
      throw new Problem(
        428,
        'PreconditionRequired',
        'a change of the settings needs If-Match: the ETag of GET /api/v1/settings/reminders',
        [{ path: 'header.if-match', message: 'send the ETag the settings were read with, such as "3"' }],
      );
    }
    const changed = await this.settings
      .change(commands, {
        actor: request.actor,
        ifMatch: request.ifMatch,
        ...(request.idempotencyKey && { idempotencyKey: request.idempotencyKey }),
      })
      .catch(refusal);
    return view(changed);
  }
}

/** The effective settings, and for each where it came from: the environment, or the recorded change that set it. */
function view({ state, version, changes }: RecordedSettings): Out<typeof r.reminderSettings> {
  const last = (type: RecordedChange['type']) => changes.filter((change) => change.type === type).at(-1);
  return {
    policy: state.policy,
    closedDays: state.closedDays,
    version,
    sources: {
      policy: source(last('ReminderPolicyChanged'), 'REMINDER_POLICY'),
      closedDays: source(last('ClosedDaysChanged'), 'REMINDER_CLOSED_DAYS'),
    },
  };
}

function source(change: RecordedChange | undefined, variable: string): Out<typeof r.reminderSettings>['sources']['policy'] {
  if (!change) return { from: 'environment', variable };
  return {
    from: 'recorded',
    version: change.version,
    recordedAt: change.recordedAt.toISOString(),
    actor: change.actor,
    reason: change.reason,
  };
}

function refusal(error: unknown): never {
  if (error instanceof SettingsRefused)
    throw new Problem(422, error.code, error.message, [{ path: `body.${error.path}`, message: error.message }]);
  if (error instanceof SettingsVersionMismatch) {
    throw new Problem(412, 'VersionMismatch', error.message, undefined, {
      expectedVersion: error.expectedVersion,
      actualVersion: error.currentVersion,
    }).withHeader('etag', etag(error.currentVersion));
  }
  if (error instanceof SettingsKeyReused) {
    throw new Problem(422, 'IdempotencyKeyReused', 'this Idempotency-Key was already used for a different request', [
      { path: 'header.idempotency-key', message: 'use a new key for a new request' },
    ]);
  }
  throw error;
}
