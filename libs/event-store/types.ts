import type { RawBuilder } from 'kysely';

/** Who caused a change; the audit trail names a real person or a named system component. */
export interface Actor {
  id: string;
  name: string;
}

/** Recorded with every event, so each fact says who, why, through what, and as part of which command. */
export interface EventMetadata {
  actor: Actor;
  commandId: string;
  correlationId: string;
  causationId?: string;
  reason?: string;
  source: string;
  /** The file an import read the change from, so history shows where data came from. */
  document?: SourceDocument;
  /** An import told to override changes made after the version its workbook was exported at. */
  forced?: { sinceVersion: number };
}

/** A file by name and content: the SHA-256 tells two versions of the same name apart. */
export interface SourceDocument {
  name: string;
  sha256: string;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  /** Defaults to the latest version the store's upcasters lift `type` to (1 without any). */
  schemaVersion?: number;
  /** Lets a caller choose the id (e.g. derived from its input); otherwise a random UUID. */
  eventId?: string;
}

/** What an append wrote, as an inline projection sees it inside the append's transaction. */
export interface AppendedEvent<Type extends string = string, Data = unknown> {
  eventId: string;
  streamId: string;
  version: number;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  recordedAt: Date;
}

export interface StoredEvent<Type extends string = string, Data = unknown> extends AppendedEvent<Type, Data> {
  globalPosition: bigint;
  transactionId: bigint;
}

/** An event as a rebuild folds it: without its id, metadata and time, which reading would spend effort on. */
export type ReplayedEvent<Type extends string = string, Data = unknown> = Omit<
  StoredEvent<Type, Data>,
  'eventId' | 'metadata' | 'recordedAt'
>;

/** A stream's version before the append: a number (0 = the stream must not exist yet) or 'any'. */
export type ExpectedVersion = number | 'any';

export interface AppendContext {
  actor: Actor;
  source: string;
  /** Makes the append idempotent: a second append with the same id writes nothing and returns the first result. */
  commandId?: string;
  /** Identifies what the command asked for; the same command id with another fingerprint is refused. */
  fingerprint?: string;
  correlationId?: string;
  causationId?: string;
  reason?: string;
  document?: SourceDocument;
  forced?: { sinceVersion: number };
}

export interface AppendResult {
  streamId: string;
  fromVersion: number;
  /** The stream's version after the append: the next expected version. */
  toVersion: number;
  firstPosition: bigint;
  lastPosition: bigint;
  recordedAt: Date;
  /** True when the command id had been processed before and nothing was appended now. */
  duplicate: boolean;
}

/**
 * One stream's part of EventStore.appendAll: the events of one or more commands, in order, each
 * command's events with its own metadata; `inline` writes the stream's projection in the same statement.
 */
export interface StreamAppend {
  streamId: string;
  expectedVersion: ExpectedVersion;
  commands: ReadonlyArray<{ events: readonly NewEvent[]; context: AppendContext }>;
  /** Makes this part idempotent, as AppendContext's commandId makes an append. */
  idempotency?: { commandId: string; fingerprint?: string };
  inline?: InlineStatement;
}

/**
 * A caller's writes that run inside the append's own statement: events and projection then cost
 * one round trip and commit together without a transaction block. `write` is an SQL expression
 * (typically the call of a function that writes), evaluated once after the events are in, and not
 * at all when the command id is a duplicate.
 */
export interface InlineStatement {
  readonly write: RawBuilder<unknown>;
}

/** A reader's place in the global feed: the last event it has handled. */
export interface Checkpoint {
  transactionId: bigint;
  globalPosition: bigint;
}

export const START_OF_FEED: Checkpoint = Object.freeze({ transactionId: 0n, globalPosition: 0n });

export interface ReadStreamOptions {
  /** Only events after this version (to catch up from a snapshot). */
  afterVersion?: number;
  /** Only events up to and including this version. */
  toVersion?: number;
  /** Only events recorded at or before this moment. */
  asOf?: Date;
}
