import type { Kysely, Transaction } from 'kysely';
import type { Database } from '@shinchoku/database';
import type { InlineStatement } from '@shinchoku/event-store';
import type { DomainError } from '../domain/errors';

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
