import { randomUUID } from 'node:crypto';
import { Kysely, RawBuilder, Transaction, sql } from 'kysely';
import { DatabaseError } from 'pg';
import { PREPARED, sessionEnded, type Database } from '@shinchoku/database';
import { CommandIdReusedError, EmptyAppendError, WrongExpectedVersionError } from './errors';
import { Upcasters, latestVersion, upcast } from './upcasting';
import type {
  AppendContext,
  AppendResult,
  AppendedEvent,
  Checkpoint,
  EventMetadata,
  ExpectedVersion,
  InlineStatement,
  NewEvent,
  ReadStreamOptions,
  ReplayedEvent,
  StoredEvent,
  StreamAppend,
} from './types';
import { START_OF_FEED } from './types';

/** Writes of a caller's own that must commit or fail together with the events (inline projections). */
export type InlineProjection = (trx: Transaction<Database>, events: AppendedEvent[]) => Promise<void>;

export type Executor = Kysely<Database> | Transaction<Database>;

/** An inline statement's writes on their own, as when a projection is rebuilt outside any append. */
export async function executeInline(executor: Executor, statement: InlineStatement): Promise<void> {
  await sql`SELECT ${statement.write}`.execute(executor);
}

export interface FeedPage {
  events: StoredEvent[];
  /** Where the next read starts; unchanged when the page is empty. */
  checkpoint: Checkpoint;
}

const EVENT_COLUMNS = [
  'global_position',
  'transaction_id',
  'event_id',
  'stream_id',
  'stream_version',
  'event_type',
  'schema_version',
  'data',
  'metadata',
  'recorded_at',
] as const;

/** What a fold needs: no metadata or time, whose parsing would cost a rebuild more than the rest. */
const REPLAYED_COLUMNS = [
  'global_position',
  'transaction_id',
  'stream_id',
  'stream_version',
  'event_type',
  'schema_version',
  'data',
] as const;

interface EventRow {
  global_position: string;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  stream_version: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: unknown;
  recorded_at: Date;
}

interface AppendRow {
  streamId: string;
  fromVersion: number;
  toVersion: number;
  firstPosition: number;
  lastPosition: number;
  recordedAt: string;
  duplicate: boolean;
}

export class EventStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly upcasters: Upcasters = {},
  ) {}

  /**
   * Appends events to a stream in one transaction. With `inline`, the caller's writes run in
   * that same transaction after the events are in, so a projection can never lag or diverge.
   * An `InlineStatement` does the same in the append's own statement, in one round trip.
   * A repeated `commandId` appends nothing, skips `inline`, and returns the first result.
   */
  async append(
    streamId: string,
    expectedVersion: ExpectedVersion,
    events: readonly NewEvent[],
    context: AppendContext,
    inline?: InlineProjection | InlineStatement,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new EmptyAppendError(streamId);
    const metadata = metadataFor(context);
    const payload = JSON.stringify(events.map((e) => payloadOf(e, metadata, this.upcasters)));
    const appendEvents = appendCall(streamId, expectedVersion, payload, context);
    try {
      if (!inline) return await runAppend(this.db, appendEvents);
      if (typeof inline !== 'function') return await runAppend(this.db, withInline(appendEvents, inline));
      return await this.db.transaction().execute(async (trx) => {
        const result = await runAppend(trx, appendEvents);
        if (!result.duplicate) await inline(trx, appendedEvents(payload, result));
        return result;
      });
    } catch (error) {
      throw translateError(error);
    }
  }

  /**
   * Appends to several streams in one transaction: all of them or none. Each stream's part is one
   * call of the same append_events as `append` (its expected version, hash chain and command id
   * checked alike) with its inline statement; the first refusal (a wrong expected version, a
   * failing projection, a lost connection) rolls every part back. Parts are written in stream id
   * order, so two such transactions lock their stream heads in the same order and never deadlock;
   * the results come back in the order of `parts`.
   */
  async appendAll(parts: readonly StreamAppend[]): Promise<AppendResult[]> {
    const order = streamOrder(parts);
    const calls = order.map((i) => this.statementOf(parts[i]!));
    try {
      return await this.db.transaction().execute(async (trx) => {
        const results: AppendResult[] = new Array<AppendResult>(parts.length);
        for (const [n, call] of calls.entries()) results[order[n]!] = await runAppend(trx, call);
        return results;
      });
    } catch (error) {
      throw translateError(error);
    }
  }

  /**
   * Appends to several streams in one statement, each part on its own (unlike appendAll): what
   * commands of different streams made at the same moment send together, so they share one round
   * trip and one commit. Parts are written in stream id order (see appendAll). When the server
   * refuses the statement (a wrong expected version, a unique key, a failing projection), nothing
   * of it was written, and each part is appended again alone to get its own answer. Any other
   * failure (the connection lost, or ended by the server) reaches every part as it is: whether the
   * statement committed may be unknown, and the connection is gone.
   */
  async appendEach(parts: readonly StreamAppend[]): Promise<Array<PromiseSettledResult<AppendResult>>> {
    if (parts.length === 1) return Promise.allSettled([this.appendPart(parts[0]!)]);
    const order = streamOrder(parts);
    const calls = order.map((i) => {
      const part = parts[i]!;
      return {
        append: appendExpression(part.streamId, part.expectedVersion, this.payloadOfPart(part), part.idempotency ?? {}),
        inline: part.inline,
      };
    });
    try {
      const { rows } = await sql<{ result: AppendRow[] }>`${chainedAppends(calls)}`.execute(this.db);
      const results = new Array<PromiseSettledResult<AppendResult>>(parts.length);
      rows[0]!.result.forEach((row, n) => (results[order[n]!] = { status: 'fulfilled', value: toAppendResult(row) }));
      return results;
    } catch (error) {
      if (!refused(error)) return parts.map(() => ({ status: 'rejected', reason: error }));
      return Promise.allSettled(parts.map((part) => this.appendPart(part)));
    }
  }

  private appendPart(part: StreamAppend): Promise<AppendResult> {
    return runAppend(this.db, this.statementOf(part)).catch((error: unknown) => {
      throw translateError(error);
    });
  }

  /** One part as its own statement: the append, with its inline write when it has one. */
  private statementOf(part: StreamAppend): RawBuilder<unknown> {
    const call = appendCall(part.streamId, part.expectedVersion, this.payloadOfPart(part), part.idempotency ?? {});
    return part.inline ? withInline(call, part.inline) : call;
  }

  private payloadOfPart(part: StreamAppend): string {
    const events = part.commands.flatMap(({ events, context }) => {
      const metadata = metadataFor(context);
      return events.map((e) => payloadOf(e, metadata, this.upcasters));
    });
    if (events.length === 0) throw new EmptyAppendError(part.streamId);
    return JSON.stringify(events);
  }

  /**
   * The first result of an already processed command, so a retry can answer without deciding
   * again; undefined when the command id is new.
   */
  async processedCommand(commandId: string, fingerprint?: string): Promise<AppendResult | undefined> {
    const row = await this.db
      .selectFrom('processed_commands')
      .select(['result', 'fingerprint'])
      .where('command_id', '=', commandId)
      .executeTakeFirst();
    if (!row || row.result === null) return undefined;
    if (row.fingerprint !== (fingerprint ?? null)) throw new CommandIdReusedError(commandId);
    return { ...toAppendResult(row.result as AppendRow), duplicate: true };
  }

  /** The stream's events in order; empty when the stream does not exist (or not yet, as of the moment asked). */
  async readStream(streamId: string, options: ReadStreamOptions = {}, executor: Executor = this.db) {
    let query = executor.selectFrom('events').select(EVENT_COLUMNS).where('stream_id', '=', streamId).orderBy('stream_version');
    if (options.afterVersion !== undefined) query = query.where('stream_version', '>', String(options.afterVersion));
    if (options.toVersion !== undefined) query = query.where('stream_version', '<=', String(options.toVersion));
    if (options.asOf !== undefined) query = query.where('recorded_at', '<=', options.asOf);
    const rows = await query.execute();
    return rows.map((row) => this.toStoredEvent(row));
  }

  /**
   * Events of every stream whose id starts with `prefix`, stream by stream and in version order,
   * a page at a time after `after`: how projections are rebuilt without holding the store in memory.
   * With `through`, only the events up to that place in the feed.
   */
  async readStreamsInOrder(
    prefix: string,
    after: { streamId: string; version: number } | undefined,
    limit: number,
    executor: Executor = this.db,
    through?: Checkpoint,
  ): Promise<ReplayedEvent[]> {
    const from = after ?? { streamId: '', version: 0 };
    let query = executor
      .selectFrom('events')
      .select(REPLAYED_COLUMNS)
      .where('stream_id', 'like', `${prefix.replace(/[\\%_]/g, '\\$&')}%`)
      .where(sql<boolean>`(stream_id, stream_version) > (${from.streamId}, ${from.version})`);
    if (through)
      query = query.where(
        sql<boolean>`(transaction_id, global_position) <= (${through.transactionId.toString()}::xid8, ${through.globalPosition.toString()}::bigint)`,
      );
    const rows = await query.orderBy('stream_id').orderBy('stream_version').limit(limit).execute();
    return rows.map((row) => this.toReplayedEvent(row));
  }

  /**
   * Every stream whose id starts with `prefix`, whole, one after another (see readStreamsInOrder).
   * The next page is asked for before the streams of this one are handed out, so the server reads
   * it while the caller folds; memory holds a page and one stream.
   */
  async *streamsInOrder(
    prefix: string,
    executor: Executor = this.db,
    through?: Checkpoint,
    pageSize = 5_000,
  ): AsyncGenerator<ReplayedEvent[]> {
    const read = (after?: ReplayedEvent) =>
      this.readStreamsInOrder(prefix, after && { streamId: after.streamId, version: after.version }, pageSize, executor, through);
    let stream: ReplayedEvent[] = [];
    for (let page = await read(); page.length > 0;) {
      const next = page.length < pageSize ? undefined : read(page.at(-1));
      // Observed below; until then a failure must not count as unhandled.
      next?.catch(() => undefined);
      for (const event of page) {
        if (stream.length > 0 && stream[0]!.streamId !== event.streamId) {
          yield stream;
          stream = [];
        }
        stream.push(event);
      }
      page = next ? await next : [];
    }
    if (stream.length > 0) yield stream;
  }

  /** The stream's current version; 0 when it has no events. */
  async streamVersion(streamId: string, executor: Executor = this.db): Promise<number> {
    const row = await executor.selectFrom('streams').select('version').where('stream_id', '=', streamId).executeTakeFirst();
    return row ? Number(row.version) : 0;
  }

  /**
   * The next page of the global feed after `after`, in commit-safe order. Only events of
   * transactions older than every transaction still running are returned, so an event whose
   * transaction commits late is never skipped: the reader simply sees it on a later poll.
   */
  async readFeed(after: Checkpoint, limit: number, executor: Executor = this.db): Promise<FeedPage> {
    const rows = await executor
      .selectFrom('events')
      .select(EVENT_COLUMNS)
      .where(
        sql<boolean>`(transaction_id, global_position) > (${after.transactionId.toString()}::xid8, ${after.globalPosition.toString()}::bigint)`,
      )
      .where(sql<boolean>`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`)
      .orderBy('transaction_id')
      .orderBy('global_position')
      .limit(limit)
      .execute();
    const events = rows.map((row) => this.toStoredEvent(row));
    const last = events.at(-1);
    return {
      events,
      checkpoint: last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : after,
    };
  }

  /** Where the feed ends for now: the last event readFeed would return at this moment (START_OF_FEED when none). */
  async feedEnd(executor: Executor = this.db): Promise<Checkpoint> {
    const row = await executor
      .selectFrom('events')
      .select(['transaction_id', 'global_position'])
      .where(sql<boolean>`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`)
      .orderBy('transaction_id', 'desc')
      .orderBy('global_position', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? { transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.global_position) } : START_OF_FEED;
  }

  private toStoredEvent(row: EventRow): StoredEvent {
    return { eventId: row.event_id, ...this.toReplayedEvent(row), metadata: row.metadata as EventMetadata, recordedAt: row.recorded_at };
  }

  private toReplayedEvent(row: Pick<EventRow, (typeof REPLAYED_COLUMNS)[number]>): ReplayedEvent {
    const { schemaVersion, data } = upcast(this.upcasters, row.event_type, row.schema_version, row.data);
    return {
      streamId: row.stream_id,
      version: Number(row.stream_version),
      globalPosition: BigInt(row.global_position),
      transactionId: BigInt(row.transaction_id),
      type: row.event_type,
      schemaVersion,
      data,
    };
  }
}

/** Indexes of `parts` in stream id order: two transactions then lock their stream heads alike and never deadlock. */
function streamOrder(parts: ReadonlyArray<{ streamId: string }>): number[] {
  return parts
    .map((_, i) => i)
    .sort((a, b) => (parts[a]!.streamId < parts[b]!.streamId ? -1 : parts[a]!.streamId > parts[b]!.streamId ? 1 : 0));
}

function metadataFor(context: AppendContext): EventMetadata {
  const commandId = context.commandId ?? randomUUID();
  return {
    actor: { id: context.actor.id, name: context.actor.name },
    commandId,
    correlationId: context.correlationId ?? commandId,
    ...(context.causationId !== undefined && { causationId: context.causationId }),
    ...(context.reason !== undefined && { reason: context.reason }),
    source: context.source,
    ...(context.document !== undefined && { document: { name: context.document.name, sha256: context.document.sha256 } }),
    ...(context.forced !== undefined && { forced: { sinceVersion: context.forced.sinceVersion } }),
  };
}

/** A new event is written at the newest version its upcasters know, so it is never lifted on read. */
function payloadOf(event: NewEvent, metadata: EventMetadata, upcasters: Upcasters) {
  const schemaVersion = event.schemaVersion ?? latestVersion(upcasters, event.type);
  return { eventId: event.eventId ?? randomUUID(), type: event.type, schemaVersion, data: event.data, metadata };
}

function appendCall(
  streamId: string,
  expectedVersion: ExpectedVersion,
  payload: string,
  key: { commandId?: string; fingerprint?: string },
): RawBuilder<unknown> {
  return sql`SELECT ${appendExpression(streamId, expectedVersion, payload, key)} AS result`;
}

function appendExpression(
  streamId: string,
  expectedVersion: ExpectedVersion,
  payload: string,
  key: { commandId?: string; fingerprint?: string },
): RawBuilder<unknown> {
  return sql`append_events(${streamId}, ${expectedVersion === 'any' ? null : expectedVersion}, ${payload}::jsonb, ${
    key.commandId ?? null
  }, ${key.fingerprint ?? null})`;
}

/**
 * Parts of different streams as one statement: each part's append, then its inline write, in a
 * chain of CTEs so they run in the order given, every result gathered in one array.
 */
function chainedAppends(parts: ReadonlyArray<{ append: RawBuilder<unknown>; inline?: InlineStatement }>): RawBuilder<unknown> {
  const steps = parts.map(({ append, inline }, i) => {
    const previous = i === 0 ? sql`` : sql` FROM ${sql.raw(`w${i - 1}`)}`;
    const gathered = i === 0 ? sql`jsonb_build_array(r)` : sql`rs || jsonb_build_array(r)`;
    const write = inline ? sql`CASE WHEN (r->>'duplicate')::boolean THEN NULL ELSE ${inline.write} END` : sql`NULL`;
    return sql`${sql.raw(`a${i}`)} AS MATERIALIZED (SELECT ${i === 0 ? sql`` : sql`rs, `}${append} AS r${previous}),
      ${sql.raw(`w${i}`)} AS MATERIALIZED (SELECT ${gathered} AS rs, ${write} AS w FROM ${sql.raw(`a${i}`)})`;
  });
  return sql`WITH ${sql.join(steps, sql`, `)} SELECT rs AS result FROM ${sql.raw(`w${parts.length - 1}`)}`;
}

/** The inline statement rides in the append's own statement, and writes nothing for a duplicate command id. */
function withInline(appendEvents: RawBuilder<unknown>, inline: InlineStatement): RawBuilder<unknown> {
  return sql`WITH appended AS MATERIALIZED (${appendEvents})
              SELECT result, CASE WHEN (result->>'duplicate')::boolean THEN NULL ELSE ${inline.write} END FROM appended`;
}

// Prepared: planned afresh each time, the statement cost Postgres about a sixth of running it.
async function runAppend(executor: Executor, statement: RawBuilder<unknown>): Promise<AppendResult> {
  const { rows } = await sql<{ result: AppendRow }>`${sql.raw(PREPARED)}${statement}`.execute(executor);
  return toAppendResult(rows[0]!.result);
}

function toAppendResult(row: AppendRow): AppendResult {
  return {
    streamId: row.streamId,
    fromVersion: row.fromVersion,
    toVersion: row.toVersion,
    firstPosition: BigInt(row.firstPosition),
    lastPosition: BigInt(row.lastPosition),
    recordedAt: new Date(row.recordedAt),
    duplicate: row.duplicate,
  };
}

/** The events as stored: parsed back from the JSON that was sent, so data is exactly what jsonb holds. */
function appendedEvents(payload: string, result: AppendResult): AppendedEvent[] {
  const sent = JSON.parse(payload) as Array<Omit<AppendedEvent, 'streamId' | 'version' | 'recordedAt'>>;
  return sent.map((event, index) => ({
    ...event,
    streamId: result.streamId,
    version: result.fromVersion + index,
    recordedAt: result.recordedAt,
  }));
}

/** The server refused the statement and rolled it back, and the session lives on. */
const refused = (error: unknown) => error instanceof DatabaseError && !sessionEnded(error);

function translateError(error: unknown): unknown {
  const pgError = error as { code?: string; detail?: string };
  if (pgError?.code === 'SK409' && pgError.detail) {
    const detail = JSON.parse(pgError.detail) as { streamId: string; expectedVersion: number; actualVersion: number };
    return new WrongExpectedVersionError(detail.streamId, detail.expectedVersion, detail.actualVersion);
  }
  if (pgError?.code === 'SK422' && pgError.detail) {
    return new CommandIdReusedError((JSON.parse(pgError.detail) as { commandId: string }).commandId);
  }
  return error;
}
