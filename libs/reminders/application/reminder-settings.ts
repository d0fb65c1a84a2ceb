import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '@shinchoku/database';
import { CommandIdReusedError, EventStore, WrongExpectedVersionError, latestVersion, type Actor } from '@shinchoku/event-store';
import type { Clock } from '@shinchoku/runtime';
import { tokyoDateOf } from '@shinchoku/municipality';
import { canonicalJson } from '@shinchoku/sheets/domain';
import {
  decideSettings,
  evolveSettings,
  SettingsRefused,
  type ReminderSettingsCommand,
  type ReminderSettingsEvent,
  type SettingsDefaults,
} from '../domain/reminder-settings';
import { replanOpenSheets } from './planning';
import { readSettings, SETTINGS_STREAM, settingsUpcasters, type RecordedSettings } from './settings-stream';

/** The client changed the settings from a version that is no longer current. */
export class SettingsVersionMismatch extends Error {
  constructor(
    readonly currentVersion: number,
    readonly expectedVersion: number,
  ) {
    super(`the settings are at version ${currentVersion}, not ${expectedVersion}; reload them and try again`);
  }
}

/** An Idempotency-Key that came with another change before. */
export class SettingsKeyReused extends Error {}

export interface SettingsChange {
  actor: Actor;
  /** The version the change was made from (If-Match). */
  ifMatch: number;
  idempotencyKey?: string;
}

/**
 * The municipality's reminder settings: read (the environment's values with the recorded changes
 * applied) and changed. A change is appended and every open sheet planned again in the same
 * transaction, so the reminders table never holds a plan of settings no longer in force.
 */
export class ReminderSettingsService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly defaults: SettingsDefaults,
    /** Told after each change that committed, to bring the queue in line now rather than at the next periodic reconcile. */
    private readonly changed: () => Promise<unknown> = async () => undefined,
  ) {}

  current(): Promise<RecordedSettings> {
    return readSettings(this.db, this.defaults);
  }

  /** One or more commands of one request, decided in order and appended together: all or none. */
  async change(commands: readonly ReminderSettingsCommand[], request: SettingsChange): Promise<RecordedSettings> {
    const commandId = request.idempotencyKey && `${request.actor.id}:${request.idempotencyKey}`;
    const fingerprint = createHash('sha256')
      .update(canonicalJson({ stream: SETTINGS_STREAM, commands }))
      .digest('base64url');
    if (commandId && (await this.store.processedCommand(commandId, fingerprint).catch(keyReused))) return this.current();

    const recorded = await this.current();
    if (request.ifMatch !== recorded.version) throw new SettingsVersionMismatch(recorded.version, request.ifMatch);
    const events = decideAll(commands, recorded);
    if (events.length === 0) return recorded;

    const now = this.clock.now();
    await this.store
      .append(
        SETTINGS_STREAM,
        recorded.version,
        events.map((event) => ({ ...event, schemaVersion: latestVersion(settingsUpcasters, event.type) })),
        { actor: request.actor, source: 'api', reason: commands[0]!.reason.trim(), ...(commandId && { commandId, fingerprint }) },
        (trx) => replanOpenSheets(trx, this.defaults, tokyoDateOf(now), now).then(() => undefined),
      )
      .catch((error: unknown) => {
        if (error instanceof WrongExpectedVersionError) throw new SettingsVersionMismatch(error.actualVersion, request.ifMatch);
        return keyReused(error);
      });
    // Not awaited: a queue backend that is away must not hold the answer; the periodic reconcile is the bound.
    this.changed().catch(() => undefined);
    return this.current();
  }
}

function decideAll(commands: readonly ReminderSettingsCommand[], recorded: RecordedSettings): ReminderSettingsEvent[] {
  const events: ReminderSettingsEvent[] = [];
  let state = recorded.state;
  for (const command of commands) {
    const decision = decideSettings(command, state);
    if (decision instanceof SettingsRefused) throw decision;
    events.push(...decision);
    state = decision.reduce(evolveSettings, state);
  }
  return events;
}

function keyReused(error: unknown): never {
  if (error instanceof CommandIdReusedError) throw new SettingsKeyReused(error.message);
  throw error;
}
