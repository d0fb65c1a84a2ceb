import { Kysely, Transaction, sql } from 'kysely';
import type { Database } from '@shinchoku/database';
import {
  Actor,
  EventStore,
  executeInline,
  GroupCommit,
  AppendContext,
  AppendResult,
  ReadStreamOptions,
  SourceDocument,
  StoredEvent,
  StreamAppend,
  WrongExpectedVersionError,
} from '@shinchoku/event-store';
import type { DeepReadonly } from '@shinchoku/immutable';
import type { CommandOutcome as Outcome } from '@shinchoku/metrics';
import { Clock } from '@shinchoku/runtime';
import { tokyoDateOf } from '@shinchoku/municipality';
import { DomainError } from '../domain/errors';
import { CommandSettled, type CommandSettledPublisher, failureOutcome } from './command-settled';
import { AGAIN, retryOnConflict } from './conflict-retry';
import { checkIfMatch } from './if-match';
import { firstAnswer, idempotencyKeyOf, type IdempotencyKey } from './idempotency';
import { StreamStates } from './stream-states';
import type { Aggregate, Snapshot } from './aggregate';
import { StreamTurns } from './stream-turns';

export type { Aggregate, Snapshot } from './aggregate';

/** A snapshot from the projection's `table` (one row per `key`), with its stream's head, in one round trip. */
export async function readSnapshot<State>(
  db: Kysely<Database>,
  table: 'sheets' | 'ward_plans',
  key: 'sheet_id' | 'ward_plan_id',
  id: string,
  stream: string,
): Promise<Snapshot<State>> {
  const { rows } = await sql<{ state: DeepReadonly<State> | null; version: string | null; head: string | null }>`
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

/** One attempt's answer, with the events it appended (for the EventBus). */
interface Attempted<Event> {
  outcome: CommandOutcome;
  events: readonly Event[];
}

/**
 * The thin shell around a decider. One attempt loads the stream's state, decides, and appends the
 * events with the expected version and the inline projection in one transaction. Around it, each
 * policy in its own piece:
 *
 * - StreamTurns: commands for one stream queue up inside this process, so they decide on each
 *   other's results instead of racing;
 * - retryOnConflict: a conflict with another process is retried on the new state, unless the
 *   client pinned a version with If-Match;
 * - StreamStates: the state a command leaves is remembered, so the next command on the stream
 *   decides without reading it back. It is trusted only where the append checks it (the expected
 *   version): any answer without an append (a refusal, a no-op, 412) is decided again on a fresh read;
 * - checkIfMatch: If-Match, which events that change nothing do not make stale;
 * - idempotency: a keyed command gets its first answer again;
 * - CommandSettled: published after each command (cache invalidation, metrics subscribe);
 * - GroupCommit: appends of other streams made while one is in flight share the next statement.
 *
 * Refusals are thrown typed (DomainError, VersionMismatch, WrongExpectedVersionError,
 * CommandIdReusedError); the HTTP edge turns them into problems.
 */
export class CommandRunner<State, Command extends { type: string; today: string }, Event extends { type: string; data: unknown }> {
  private readonly turns = new StreamTurns();
  private readonly states: StreamStates<State, Event>;
  private readonly group: GroupCommit;

  constructor(
    db: Kysely<Database>,
    private readonly store: EventStore,
    private readonly aggregate: Aggregate<State, Command, Event>,
    private readonly clock: Clock,
    private readonly settled?: CommandSettledPublisher,
  ) {
    this.states = new StreamStates(db, store, aggregate);
    this.group = new GroupCommit(store);
  }

  load(
    id: string,
    options: ReadStreamOptions = {},
  ): Promise<{ state: DeepReadonly<State> | undefined; version: number; events: StoredEvent[] }> {
    return this.states.load(id, options);
  }

  async run(id: string, command: Undated<Command>, from: CommandSource): Promise<CommandOutcome> {
    const dated = this.dated(command, from);
    const key = idempotencyKeyOf(from.actor.id, from.idempotencyKey, id, dated);
    const started = performance.now();
    let outcome: Outcome = 'failed';
    let events: readonly Event[] = [];
    try {
      const answer = await this.turns.inTurn(id, () =>
        retryOnConflict(from.ifMatch !== undefined, () => this.attempt(id, dated, from, key)),
      );
      ({ events } = answer);
      outcome = events.length > 0 ? 'applied' : 'unchanged';
      return answer.outcome;
    } catch (error) {
      outcome = failureOutcome(error);
      throw error;
    } finally {
      this.settled?.publish(new CommandSettled(this.aggregate.name, id, dated.type, outcome, (performance.now() - started) / 1000, events));
    }
  }

  /** Load, decide, append: once. AGAIN when what it decided on was a remembered state that may be stale. */
  private async attempt(id: string, command: Command, from: CommandSource, key?: IdempotencyKey): Promise<Attempted<Event> | typeof AGAIN> {
    const stream = this.aggregate.stream(id);
    const { state, version, projected, remembered } = await this.states.current(id);
    const mismatch =
      from.ifMatch === undefined ? undefined : await checkIfMatch(this.store, stream, this.aggregate.unchanging, from.ifMatch, version);
    const decision = mismatch ?? this.aggregate.decide(command, state);
    if (!Array.isArray(decision) || decision.length === 0) {
      // An answer without an append has none of its checks: it is given on the stored stream only,
      // and a retried command (a key already used) gets its first answer instead.
      if (remembered) {
        this.states.forget(id);
        return AGAIN;
      }
      const first = await firstAnswer(this.store, key);
      if (first) return { outcome: first, events: [] };
      if (!Array.isArray(decision)) throw decision;
      return { outcome: { version, appended: 0 }, events: [] };
    }

    const next = decision.reduce<DeepReadonly<State> | undefined>((s, e) => this.aggregate.evolve(s, e), state)!;
    const projection = this.aggregate.projection(next, version + decision.length, projected);
    try {
      const context = { ...contextOf(from, command), ...key };
      const result = from.alongside
        ? await this.store.append(stream, version, decision, context, async (trx) => {
            await executeInline(trx, projection);
            await from.alongside!(trx);
          })
        : await this.group.append({
            streamId: stream,
            expectedVersion: version,
            commands: [{ events: decision, context }],
            ...(key && { idempotency: key }),
            inline: projection,
          });
      if (result.duplicate) {
        this.states.forget(id);
        return { outcome: { version: result.toVersion, appended: 0 }, events: [] };
      }
      this.states.remember(id, next, result.toVersion);
      return { outcome: { version: result.toVersion, appended: decision.length }, events: decision };
    } catch (error) {
      // Whether it committed is unknown when the connection failed: the next command reads the stream.
      this.states.forget(id);
      // Another process moved the stream on since this one last saw it: decide again on a fresh read.
      if (error instanceof WrongExpectedVersionError && remembered) return AGAIN;
      const violated = uniqueConstraint(error);
      throw (violated && this.aggregate.uniqueViolation?.(violated, next)) || error;
    }
  }

  /**
   * Commands for one stream, decided in order on `state` at `version` (as the caller read them), as
   * one part of an append across streams: nothing is written here. Undefined when no command
   * changes anything; a command the domain refuses throws its DomainError.
   */
  prepare(
    id: string,
    version: number,
    state: DeepReadonly<State> | undefined,
    steps: ReadonlyArray<{ command: Undated<Command>; from: CommandSource }>,
  ): PreparedAppend | undefined {
    let next = state;
    let count = 0;
    const commands: Array<{ events: Event[]; context: AppendContext }> = [];
    const types: string[] = [];
    for (const { command, from } of steps) {
      const dated = this.dated(command, from);
      const decision = this.aggregate.decide(dated, next);
      if (decision instanceof DomainError) throw decision;
      if (decision.length === 0) continue;
      next = decision.reduce<DeepReadonly<State> | undefined>((s, e) => this.aggregate.evolve(s, e), next);
      commands.push({ events: decision, context: contextOf(from, dated) });
      types.push(dated.type);
      count += decision.length;
    }
    if (commands.length === 0) return undefined;
    const final = next!;
    const started = performance.now();
    return {
      // Without the state the projection holds, it rewrites every row of the stream's current state.
      append: {
        streamId: this.aggregate.stream(id),
        expectedVersion: version,
        commands,
        inline: this.aggregate.projection(final, version + count),
      },
      settle: (result) => {
        if (result && !result.duplicate) this.states.remember(id, final, result.toVersion);
        else this.states.forget(id);
        const seconds = (performance.now() - started) / 1000;
        commands.forEach(({ events }, i) =>
          this.settled?.publish(
            new CommandSettled(this.aggregate.name, id, types[i]!, result ? 'applied' : 'failed', seconds, result ? events : []),
          ),
        );
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

  /** The command as the domain takes it: dated with the source's date, else today in Tokyo. */
  private dated(command: Undated<Command>, from: CommandSource): Command {
    return { ...command, today: from.today ?? tokyoDateOf(this.clock.now()) } as unknown as Command;
  }
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

function uniqueConstraint(error: unknown): string | undefined {
  const pg = error as { code?: string; constraint?: string };
  return pg?.code === '23505' ? pg.constraint : undefined;
}
