import type { Kysely, Transaction } from 'kysely';
import type { Database } from '@shinchoku/database';
import { upcast, type Actor, type EventMetadata, type Upcasters } from '@shinchoku/event-store';
import {
  evolveSettings,
  initialSettings,
  type ReminderSettingsEvent,
  type ReminderSettingsState,
  type SettingsDefaults,
} from '../domain/reminder-settings';

/** One stream for the whole municipality: its reminder policy and closed days. */
export const SETTINGS_STREAM = 'settings-reminders';

/** None yet: the day an event's meaning changes, its upcaster goes here, and readers lift old events with it. */
export const settingsUpcasters: Upcasters = {};

export interface RecordedChange {
  version: number;
  type: ReminderSettingsEvent['type'];
  schemaVersion: number;
  data: ReminderSettingsEvent['data'];
  recordedAt: Date;
  actor: Actor;
  reason: string | null;
}

export interface RecordedSettings {
  /** The effective settings: the environment's, with every recorded change applied in order. */
  state: ReminderSettingsState;
  /** The stream's version: 0 while nothing is recorded. The ETag of the settings. */
  version: number;
  /** Every recorded change, oldest first. */
  changes: RecordedChange[];
}

/**
 * The settings as of this moment, read in the caller's transaction: the planner reads them under
 * its lock, so a plan always uses the settings committed before it, in whichever process it runs.
 * A handful of events a year: folding the stream costs one small query.
 */
export async function readSettings(
  executor: Kysely<Database> | Transaction<Database>,
  defaults: SettingsDefaults,
): Promise<RecordedSettings> {
  const rows = await executor
    .selectFrom('events')
    .select(['stream_version', 'event_type', 'schema_version', 'data', 'metadata', 'recorded_at'])
    .where('stream_id', '=', SETTINGS_STREAM)
    .orderBy('stream_version')
    .execute();
  const changes = rows.map((row): RecordedChange => {
    const { schemaVersion, data } = upcast(settingsUpcasters, row.event_type, row.schema_version, row.data);
    const metadata = row.metadata as EventMetadata;
    return {
      version: Number(row.stream_version),
      type: row.event_type as RecordedChange['type'],
      schemaVersion,
      data: data as RecordedChange['data'],
      recordedAt: row.recorded_at,
      actor: metadata.actor,
      reason: metadata.reason ?? null,
    };
  });
  return {
    state: changes.reduce(
      (state, change) => evolveSettings(state, { type: change.type, data: change.data } as ReminderSettingsEvent),
      initialSettings(defaults),
    ),
    version: changes.at(-1)?.version ?? 0,
    changes,
  };
}
