import type { Kysely, Transaction } from 'kysely';
import type { Database } from '@shinchoku/database';
import type { DeepReadonly } from '@shinchoku/immutable';
import type { InlineStatement } from '@shinchoku/event-store';
import type { DomainError } from '../domain/errors';

/**
 * The pure parts of an aggregate, plus where its current state is kept. A state is only ever read:
 * evolve makes a new one sharing what did not change, and the runner remembers it between commands.
 * (decide and evolve are properties, not methods, so that a decider taking a mutable state fails to
 * compile here: method parameters would be checked both ways.)
 */
export interface Aggregate<State, Command extends { type: string; today: string }, Event extends { type: string; data: unknown }> {
  /** For metrics and logs: 'sheet', 'ward-plan'. */
  readonly name: string;
  stream(id: string): string;
  readonly evolve: (state: DeepReadonly<State> | undefined, event: Event) => DeepReadonly<State>;
  readonly decide: (command: Command, state: DeepReadonly<State> | undefined) => Event[] | DomainError;
  /**
   * The inline projection: writes the new current state in the append's own statement. With
   * `previous`, the state the projection holds now, it may write only what changed.
   */
  projection(state: DeepReadonly<State>, version: number, previous?: DeepReadonly<State>): InlineStatement;
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
  uniqueViolation?(constraint: string, state: DeepReadonly<State>): DomainError | undefined;
}

export interface Snapshot<State> {
  state?: DeepReadonly<State>;
  /** The version of `state`; 0 without one. */
  version: number;
  head: number;
}
