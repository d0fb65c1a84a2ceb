import { Body, Controller, Get, Patch, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Requires, scope } from '@shinchoku/access';
import { CommandRequest, Problem, etag, type RequestContext } from '@shinchoku/http';
import { SettingsRefused, type ReminderSettingsCommand } from '../domain/reminder-settings';
import { ReminderSettingsService, SettingsKeyReused, SettingsVersionMismatch } from '../application/reminder-settings';
import type { RecordedChange, RecordedSettings } from '../application/settings-stream';
import * as s from './settings.schemas';

/**
 * The municipality's reminder policy and closed days (閉庁日): the environment's values until an
 * administrator records a change, with who and why; each change re-plans the planned reminders.
 */
@ApiTags('settings')
@ApiBearerAuth()
@Controller('api/v1/settings/reminders')
export class ReminderSettingsController {
  constructor(private readonly settings: ReminderSettingsService) {}

  @Get()
  @Requires('settings.read', scope.list)
  async get() {
    return view(await this.settings.current());
  }

  @Get('history')
  @Requires('settings.read', scope.list)
  async history() {
    const { changes, version } = await this.settings.current();
    return { items: changes.map(({ data, ...change }) => ({ ...change, recordedAt: change.recordedAt.toISOString(), data })), version };
  }

  @Put()
  @Requires('settings.write')
  replace(@Body({ schema: s.replaceSettingsBody }) body: z.infer<typeof s.replaceSettingsBody>, @CommandRequest() request: RequestContext) {
    return this.change(
      [
        { type: 'ChangeReminderPolicy', policy: body.policy, reason: body.reason },
        { type: 'SetClosedDays', closedDays: body.closedDays, reason: body.reason },
      ],
      request,
    );
  }

  @Patch()
  @Requires('settings.write')
  amend(@Body({ schema: s.changeSettingsBody }) body: z.infer<typeof s.changeSettingsBody>, @CommandRequest() request: RequestContext) {
    const { reason } = body;
    return this.change(
      [
        ...(body.policy ? [{ type: 'ChangeReminderPolicy' as const, policy: body.policy, reason }] : []),
        ...(body.addClosedDays || body.removeClosedDays
          ? [{ type: 'ChangeClosedDays' as const, addClosedDays: body.addClosedDays ?? [], removeClosedDays: body.removeClosedDays ?? [], reason }]
          : []),
      ],
      request,
    );
  }

  private async change(commands: ReminderSettingsCommand[], request: RequestContext) {
    // One setting for the whole city: a change made without the version it was made from could undo another administrator's.
    if (request.ifMatch === undefined) {
      throw new Problem(428, 'PreconditionRequired', 'a change of the settings needs If-Match: the ETag of GET /api/v1/settings/reminders', [
        { path: 'header.if-match', message: 'send the ETag the settings were read with, such as "3"' },
      ]);
    }
    const changed = await this.settings
      .change(commands, { actor: request.actor, ifMatch: request.ifMatch, ...(request.idempotencyKey && { idempotencyKey: request.idempotencyKey }) })
      .catch(refusal);
    return view(changed);
  }
}

/** The effective settings, and for each where it came from: the environment, or the recorded change that set it. */
function view({ state, version, changes }: RecordedSettings) {
  const last = (type: RecordedChange['type']) => changes.filter((change) => change.type === type).at(-1);
  return {
    policy: state.policy,
    closedDays: state.closedDays,
    version,
    sources: { policy: source(last('ReminderPolicyChanged'), 'REMINDER_POLICY'), closedDays: source(last('ClosedDaysChanged'), 'REMINDER_CLOSED_DAYS') },
  };
}

function source(change: RecordedChange | undefined, variable: string) {
  if (!change) return { from: 'environment', variable };
  return { from: 'recorded', version: change.version, recordedAt: change.recordedAt.toISOString(), actor: change.actor, reason: change.reason };
}

function refusal(error: unknown): never {
  if (error instanceof SettingsRefused) throw new Problem(422, error.code, error.message, [{ path: `body.${error.path}`, message: error.message }]);
  if (error instanceof SettingsVersionMismatch) {
    throw new Problem(412, 'VersionMismatch', error.message, undefined, { expectedVersion: error.expectedVersion, actualVersion: error.currentVersion }).withHeader(
      'etag',
      etag(error.currentVersion),
    );
  }
  if (error instanceof SettingsKeyReused) {
    throw new Problem(422, 'IdempotencyKeyReused', 'this Idempotency-Key was already used for a different request', [
      { path: 'header.idempotency-key', message: 'use a new key for a new request' },
    ]);
  }
  throw error;
}
