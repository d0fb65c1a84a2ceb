import { createHash } from 'node:crypto';
import { Kysely, Transaction, sql } from 'kysely';
import type { Database } from '@shinchoku/database';
import {
  Actor,
  CommandIdReusedError,
  EventStore,
  executeInline,
  InlineStatement,
  AppendContext,
  AppendResult,
  ReadStreamOptions,
  SourceDocument,
  StoredEvent,
  StreamAppend,
  WrongExpectedVersionError,
} from '@shinchoku/event-store';
import { Problem, etag } from '@shinchoku/http';
import type { CommandObserver, CommandOutcome as Outcome } from '@shinchoku/metrics';
import { Clock } from '@shinchoku/runtime';
import { tokyoDateOf } from '../domain/calendar';
import { canonicalJson } from '../domain/canonical';
import { DomainError, DomainErrorCode } from '../domain/errors';

/** The pure parts of an aggregate, plus where its current state is kept. */
export interface Aggregate<State, Command extends { type: string; today: string }, Event extends { type: string; data: unknown }> {
  /** For metrics and logs: 'sheet', 'ward-plan'. */
  readonly name: string;
  stream(id: string): string;
  evolve(state: State | undefined, event: Event): State;
  decide(command: Command, state: State | undefined): Event[] | DomainError;
  /**
   * The inline projection: writes the new current state in the append's own statement. With
   * `previous`, the state the projection holds now, it may write only what changed.
   */
  projection(state: State, version: number, previous?: State): InlineStatement;
  /** The same writes on their own (a rebuild). */
  project(trx: Transaction<Database>, state: State, version: number): Promise<void>;
  /**
   * The state the inline projection holds, with its version: exact, because it is written in the
   * same statement as the events. Commands start from it instead of folding the whole stream.
   * `head` is the stream's version, read with it: when it is ahead, later events are folded on.
   */
  snapshot(db: Kysely<Database>, id: string): Promise<Snapshot<State>>;
  /** Event types that leave the state as it was: an If-Match on the version before them still holds. */
  unchanging?: ReadonlySet<Event['type']>;
  /** Turns a unique-key violation of the projection into the domain rule it stands for. */
  uniqueViolation?(constraint: string, state: State): DomainError | undefined;
}

export interface Snapshot<State> {
  state?: State;
  /** The version of `state`; 0 without one. */
  version: number;
  head: number;
}

/** A snapshot from the projection's `table` (one row per `key`), with its stream's head, in one round trip. */
export async function readSnapshot<State>(
  db: Kysely<Database>,
  table: 'sheets' | 'ward_plans',
  key: 'sheet_id' | 'ward_plan_id',
  id: string,
  stream: string,
): Promise<Snapshot<State>> {
  const { rows } = await sql<{ state: State | null; version: string | null; head: string | null }>`
    SELECT p.state, p.version, (SELECT version FROM streams WHERE stream_id = ${stream}) AS head
    FROM (SELECT) AS one LEFT JOIN ${sql.table(table)} AS p ON p.${sql.ref(key)} = ${id}::uuid`.execute(db);
  const row = rows[0]!;
  return { ...(row.state !== null && { state: row.state }), version: Number(row.version ?? 0), head: Number(row.head ?? 0) };
}

export interface CommandSource {
  actor: Actor;
  /** 'api', 'import', ... — recorded on every event. */
  source: string;
  idempotencyKey?: string;
  ifMatch?: number;
  /** The file the command was read from (imports). */
  document?: SourceDocument;
  /** The civil date the command is made on, when the source states it (an import: the document's 作成日); else today. */
  today?: string;
  /** An import that overrode changes made since the version its workbook was exported at: recorded on the events. */
  forced?: { sinceVersion: number };
  /** Writes of the caller's that must commit with the events or not at all (a reminder marked sent). */
  alongside?: (trx: Transaction<Database>) => Promise<void>;
}

/** A command as callers give it: the runner dates it with today's date in Tokyo. */
export type Undated<C> = C extends unknown ? Omit<C, 'today'> : never;

export interface CommandOutcome {
  version: number;
  /** Events appended by this command: 0 when it changed nothing or was a retry answered from the first result. */
  appended: number;
}

/** One stream's commands, decided and ready to be appended together with other streams' (CommandRunner.appendTogether). */
export interface PreparedAppend {
  readonly append: StreamAppend;
  /** Told the outcome once the transaction is over: the stream's result, or undefined when nothing committed. */
  settle(result?: AppendResult): void;
}

const CONFLICT_RETRIES = 8;
/**
 * Streams whose latest state a runner keeps between commands: a city's sheets of the year. A seed-
 * sized sheet takes ~80 KiB with the views and texts kept for it (see viewOf, sheetJson).
 */
const REMEMBERED_STREAMS = 500;
const NOT_FOUND: ReadonlySet<DomainErrorCode> = new Set(['SheetNotFound', 'GoalNotFound', 'IndicatorNotFound', 'WardPlanNotFound']);

/**
 * The thin shell around a decider: load the stream, fold it, decide, append with the expected
 * version and the inline projection in one transaction. Commands for one stream queue up inside
 * this process, so they decide on each other's results instead of racing; a conflict with another
 * process is retried on the new state, unless the client pinned a version with If-Match.
 *
 * The state a command leaves is remembered, so the next command on the stream decides without
 * reading it back. A remembered state is trusted only where the append checks it (the expected
 * version): when another process moved the stream on, the append is refused and the command runs
 * again on a fresh read; and any other outcome (a rejection, a no-op, 412) is decided again on a
 * fresh read before it is answered.
 *
 * A command with an idempotency key is not looked up beforehand: the append refuses a key already
 * used and returns the first result, and an answer without an append looks the key up first.
 */
export class CommandRunner<State, Command extends { type: string; today: string }, Event extends { type: string; data: unknown }> {
  private readonly queues = new Map<string, Promise<unknown>>();
  /** The latest state known per stream, least recently used first. */
  private readonly remembered = new Map<string, { state: State; version: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly store: EventStore,
    private readonly aggregate: Aggregate<State, Command, Event>,
    private readonly clock: Clock,
    private readonly observer?: CommandObserver,
  ) {}

  async load(id: string, options: ReadStreamOptions = {}): Promise<{ state: State | undefined; version: number; events: StoredEvent[] }> {
    const events = await this.store.readStream(this.aggregate.stream(id), options);
    return { state: this.fold(events), version: events.at(-1)?.version ?? 0, events };
  }

  /**
   * The current state: the one remembered (`remembered`), else the projection's snapshot plus any
   * events after it (normally none); and `projected`, the state the projection holds, when that is
   * the current one.
   */
  private async current(id: string): Promise<{ state: State | undefined; version: number; projected?: State; remembered?: true }> {
    const known = this.remembered.get(id);
    if (known) {
      this.remember(id, known.state, known.version);
      return { ...known, projected: known.state, remembered: true };
    }
    const snapshot = await this.aggregate.snapshot(this.db, id);
    if (snapshot.head === snapshot.version) {
      if (snapshot.state !== undefined) this.remember(id, snapshot.state, snapshot.version);
      return { state: snapshot.state, version: snapshot.version, projected: snapshot.state };
    }
    const newer = await this.store.readStream(this.aggregate.stream(id), { afterVersion: snapshot.version });
    return { state: this.fold(newer, snapshot.state), version: newer.at(-1)?.version ?? snapshot.version };
  }

  /** Keeps `state` as the stream's latest, the most recently used; past the limit the least recently used goes. */
  private remember(id: string, state: State, version: number): void {
    this.remembered.delete(id);
    this.remembered.set(id, { state, version });
    if (this.remembered.size > REMEMBERED_STREAMS) this.remembered.delete(this.remembered.keys().next().value!);
  }

  private fold(events: readonly StoredEvent[], from?: State): State | undefined {
    return events.reduce<State | undefined>((state, event) => this.aggregate.evolve(state, event as unknown as Event), from);
  }

  async run(id: string, command: Undated<Command>, from: CommandSource): Promise<CommandOutcome> {
    const dated = { ...command, today: from.today ?? tokyoDateOf(this.clock.now()) } as unknown as Command;
    const started = performance.now();
    const observe = (outcome: Outcome, events = 0) =>
      this.observer?.commandObserved(this.aggregate.name, dated.type, outcome, (performance.now() - started) / 1000, events);
    try {
      const outcome = await this.inTurn(id, () => this.decideAndAppend(id, dated, from));
      observe(outcome.appended > 0 ? 'applied' : 'unchanged', outcome.appended);
      return outcome;
    } catch (error) {
      const status = error instanceof Problem ? error.status : 500;
      observe(status === 409 || status === 412 ? 'conflict' : status < 500 ? 'rejected' : 'failed');
      throw error;
    } finally {
      this.settled(id);
    }
  }

  /** Called after every command on the stream, whatever its outcome (it may have committed even when it failed). */
  protected settled(_id: string): void {}

  /**
   * Commands for one stream, decided in order on `state` at `version` (as the caller read them), as
   * one part of an append across streams: nothing is written here. Undefined when no command
   * changes anything; a command the domain refuses throws its problem.
   */
  prepare(id: string, version: number, state: State | undefined, steps: ReadonlyArray<{ command: Undated<Command>; from: CommandSource }>): PreparedAppend | undefined {
    let next = state;
    let count = 0;
    const commands: Array<{ events: Event[]; context: AppendContext }> = [];
    const types: string[] = [];
    for (const { command, from } of steps) {
      const dated = { ...command, today: from.today ?? tokyoDateOf(this.clock.now()) } as unknown as Command;
      const decision = this.aggregate.decide(dated, next);
      if (decision instanceof DomainError) throw rejection(decision);
      if (decision.length === 0) continue;
      next = decision.reduce<State | undefined>((s, e) => this.aggregate.evolve(s, e), next);
      commands.push({ events: decision, context: contextOf(from, dated) });
      types.push(dated.type);
      count += decision.length;
    }
    if (commands.length === 0) return undefined;
    const final = next!;
    const started = performance.now();
    return {
      // Without the state the projection holds, it rewrites every row of the stream's current state.
      append: { streamId: this.aggregate.stream(id), expectedVersion: version, commands, inline: this.aggregate.projection(final, version + count) },
      settle: (result) => {
        if (result && !result.duplicate) this.remember(id, final, result.toVersion);
        else this.remembered.delete(id);
        this.settled(id);
        const seconds = (performance.now() - started) / 1000;
        commands.forEach(({ events }, i) => this.observer?.commandObserved(this.aggregate.name, types[i]!, result ? 'applied' : 'failed', seconds, result ? events.length : 0));
      },
    };
  }

  /** Appends prepared commands of several streams in one transaction (EventStore.appendAll): all or none. */
  async appendTogether(prepared: readonly PreparedAppend[]): Promise<AppendResult[]> {
    let results: AppendResult[] | undefined;
    try {
      results = await this.store.appendAll(prepared.map((p) => p.append));
      return results;
    } finally {
      prepared.forEach((p, i) => p.settle(results?.[i]));
    }
  }

  private async decideAndAppend(id: string, command: Command, from: CommandSource): Promise<CommandOutcome> {
    const commandId = from.idempotencyKey && `${from.actor.id}:${from.idempotencyKey}`;
    const fingerprint = commandId && fingerprintOf(id, command);

    for (let attempt = 1; ; attempt++) {
      const { state, version, projected, remembered } = await this.current(id);
      const ifMatch = from.ifMatch !== undefined && (await this.unchangedSince(id, from.ifMatch, version)) ? version : from.ifMatch;
      const decision = this.decideOn(command, state, version, ifMatch);
      if (!Array.isArray(decision)) {
        // An answer without an append has none of its checks: it is given on the stored stream only,
        // and a retried command (a key already used) gets its first answer instead.
        if (remembered) {
          this.remembered.delete(id);
          continue;
        }
        const prior = commandId && (await this.store.processedCommand(commandId, fingerprint).catch(rethrowReuse));
        if (prior) return { version: prior.toVersion, appended: 0 };
        if (decision instanceof Problem) throw decision;
        return decision;
      }

      const next = decision.reduce<State | undefined>((s, e) => this.aggregate.evolve(s, e), state)!;
      const projection = this.aggregate.projection(next, version + decision.length, projected);
      try {
        const result = await this.store.append(
          this.aggregate.stream(id),
          version,
          decision,
          { ...contextOf(from, command), ...(commandId && { commandId, fingerprint }) },
          from.alongside
            ? async (trx) => {
                await executeInline(trx, projection);
                await from.alongside!(trx);
              }
            : projection,
        );
        if (result.duplicate) this.remembered.delete(id);
        else this.remember(id, next, result.toVersion);
        return { version: result.toVersion, appended: result.duplicate ? 0 : decision.length };
      } catch (error) {
        // Whether it committed is unknown when the connection failed: the next command reads the stream.
        this.remembered.delete(id);
        if (error instanceof WrongExpectedVersionError) {
          // Another process moved the stream on since this one last saw it: decide again on a fresh read.
          if (remembered) continue;
          if (from.ifMatch === undefined && attempt < CONFLICT_RETRIES) {
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
            continue;
          }
          throw new Problem(409, 'ConcurrentChange', `the sheet changed while this request was applied (now version ${error.actualVersion}); reload and retry`, undefined, {
            expectedVersion: error.expectedVersion,
            actualVersion: error.actualVersion,
          });
        }
        const violated = uniqueConstraint(error);
        const domain = violated && this.aggregate.uniqueViolation?.(violated, next);
        if (domain) throw rejection(domain);
        rethrowReuse(error);
      }
    }
  }

  /**
   * Whether the stream holds only events that change nothing (see Aggregate.unchanging) after
   * `seen`, the version a client sent as If-Match. They are read from the store, so a stale
   * `version` cannot vouch for them; the append's expected version then checks the rest.
   */
  private async unchangedSince(id: string, seen: number, version: number): Promise<boolean> {
    const unchanging = this.aggregate.unchanging;
    if (!unchanging || seen >= version || seen < 1) return false;
    const since = await this.store.readStream(this.aggregate.stream(id), { afterVersion: seen });
    return since.length > 0 && since.every((event) => unchanging.has(event.type as Event['type']));
  }

  /** The events the command decides on `state`, or the answer it gets without any: a refusal, or a no-op. */
  private decideOn(command: Command, state: State | undefined, version: number, ifMatch: number | undefined): Event[] | Problem | CommandOutcome {
    if (ifMatch !== undefined && ifMatch !== version) {
      return new Problem(412, 'VersionMismatch', `the sheet is at version ${version}, not ${ifMatch}; reload it and try again`, undefined, {
        expectedVersion: ifMatch,
        actualVersion: version,
      }).withHeader('etag', etag(version));
    }
    const decision = this.aggregate.decide(command, state);
    if (decision instanceof DomainError) return rejection(decision);
    return decision.length > 0 ? decision : { version, appended: 0 };
  }

  /** Runs `work` after every earlier command for the same stream has settled. */
  private inTurn<T>(id: string, work: () => Promise<T>): Promise<T> {
    const turn = (this.queues.get(id) ?? Promise.resolve()).then(work, work);
    const settled = turn.catch(() => undefined);
    this.queues.set(id, settled);
    void settled.then(() => this.queues.get(id) === settled && this.queues.delete(id));
    return turn;
  }
}

/** What a retry must repeat exactly; the date is left out so a retry after midnight is still the same command. */
function fingerprintOf(id: string, command: { today: string }): string {
  const { today: _today, ...rest } = command;
  return createHash('sha256').update(canonicalJson({ id, command: rest })).digest('base64url');
}

function contextOf(from: CommandSource, command: object): AppendContext {
  return {
    actor: from.actor,
    source: from.source,
    ...(from.document && { document: from.document }),
    ...(from.forced && { forced: from.forced }),
    ...(reasonOf(command) && { reason: reasonOf(command) }),
  };
}

function reasonOf(command: object): string | undefined {
  const reason = (command as { reason?: unknown }).reason;
  return typeof reason === 'string' && reason.trim() ? reason : undefined;
}

function rejection(error: DomainError): Problem {
  const status = NOT_FOUND.has(error.code) ? 404 : 422;
  const errors = error.path ? [{ path: `body.${error.path}`, message: error.message }] : undefined;
  return new Problem(status, error.code, error.message, errors);
}

function rethrowReuse(error: unknown): never {
  if (error instanceof CommandIdReusedError) {
    throw new Problem(422, 'IdempotencyKeyReused', 'this Idempotency-Key was already used for a different request', [
      { path: 'header.idempotency-key', message: 'use a new key for a new request' },
    ]);
  }
  throw error;
}

function uniqueConstraint(error: unknown): string | undefined {
  const pg = error as { code?: string; constraint?: string };
  return pg?.code === '23505' ? pg.constraint : undefined;
}
