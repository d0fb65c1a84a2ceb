import type { ColumnType, Generated } from 'kysely';

/** bigint and xid8 columns arrive from pg as strings; we keep them exact. */
type Int8 = ColumnType<string, string | number | bigint, string | number | bigint>;
/** Filled in by the database (identity or default) and never written by us. */
type DatabaseInt8 = ColumnType<string, never, never>;

export interface StreamsTable {
  stream_id: string;
  version: Int8;
  head_hash: Buffer | null;
  head_recorded_at: Date | null;
}

export interface EventsTable {
  global_position: DatabaseInt8;
  transaction_id: DatabaseInt8;
  event_id: string;
  stream_id: string;
  stream_version: Int8;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: unknown;
  recorded_at: Date;
  prev_hash: Buffer | null;
  hash: Buffer;
}

export interface ProcessedCommandsTable {
  command_id: string;
  stream_id: string;
  fingerprint: string | null;
  result: unknown;
  recorded_at: Generated<Date>;
}

export interface ProcessorCheckpointsTable {
  processor: string;
  transaction_id: Int8;
  global_position: Int8;
  updated_at: Generated<Date>;
}

export interface SheetsTable {
  sheet_id: string;
  fiscal_year: number;
  department: string;
  unit: string;
  status: string;
  progress_state: string;
  version: Int8;
  state: unknown;
  updated_at: Date;
}

export interface SheetIndicatorsTable {
  indicator_id: string;
  sheet_id: string;
  fiscal_year: number;
  department: string;
  unit: string;
  sheet_status: string;
  goal_id: string;
  goal_no: number;
  goal_rating: string | null;
  position: number;
  name: string;
  progress_state: string;
  latest_quarter: number | null;
  achievement_rate: number | null;
  indicator: unknown;
}

export interface WardPlansTable {
  ward_plan_id: string;
  department: string;
  fiscal_year: number;
  version: Int8;
  state: unknown;
  updated_at: Date;
}

export interface SummaryStreamsTable {
  stream_id: string;
  kind: string;
  ward: string;
  fiscal_year: number;
  version: Int8;
  state: unknown;
}

export interface WardSummariesTable {
  ward: string;
  fiscal_year: number;
  summary: unknown;
}

export interface UnitCompletionTable {
  sheet_id: string;
  fiscal_year: number;
  ward: string;
  department: string;
  unit: string;
  completion: unknown;
}

export interface AccessTokensTable {
  token_id: string;
  token_hash: Buffer;
  name: string;
  grants: unknown;
  issued_at: Date;
  issued_by: unknown;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface RateLimitWindowsTable {
  key: string;
  window_ends_at: Date;
  hits: number;
}

export interface ContactsTable {
  contact_id: string;
  department: string;
  unit: string | null;
  name: string;
  role: string;
  email: string | null;
  webhook_url: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface RemindersTable {
  reminder_id: string;
  sheet_id: string;
  plan_key: string;
  kind: string;
  /** ISO civil dates, as text. */
  due_on: string;
  quarter: number | null;
  send_on: string;
  send_at: Date;
  recipient: unknown;
  channel: string;
  status: string;
  reason: string | null;
  attempts: Generated<number>;
  enqueued: Generated<boolean>;
  lease_token: string | null;
  lease_until: Date | null;
  delivered_at: Date | null;
  planned_at: Date;
  finished_at: Date | null;
}

export interface Database {
  streams: StreamsTable;
  events: EventsTable;
  processed_commands: ProcessedCommandsTable;
  processor_checkpoints: ProcessorCheckpointsTable;
  sheets: SheetsTable;
  sheet_indicators: SheetIndicatorsTable;
  ward_plans: WardPlansTable;
  summary_streams: SummaryStreamsTable;
  ward_summaries: WardSummariesTable;
  unit_completion: UnitCompletionTable;
  access_tokens: AccessTokensTable;
  rate_limit_windows: RateLimitWindowsTable;
  contacts: ContactsTable;
  reminders: RemindersTable;
}
