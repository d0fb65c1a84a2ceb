import type { Kysely } from 'kysely';
import type { Database } from '@shinchoku/database';
import type { EventStore, ReadStreamOptions, StoredEvent } from '@shinchoku/event-store';
import { frozen, type DeepReadonly } from '@shinchoku/immutable';
import type { Aggregate } from './aggregate';

/**
 * Streams whose latest state a runner keeps between commands: a city's sheets of the year. A seed-
 * sized sheet takes ~80 KiB with the views and texts kept for it (see viewOf, sheetJson).
 */
const REMEMBERED_STREAMS = 500;

/** A stream's state as a command starts from it: read-only, as it may be the one remembered. */
export interface CurrentState<State> {
  state: DeepReadonly<State> | undefined;
  version: number;
  /** The state the inline projection holds, when it is the current one: the projection then writes only what changed. */
  projected?: DeepReadonly<State>;
  /** Taken from this process's memory: trusted only where the append checks it (its expected version). */
  remembered?: true;
}

/**
 * Where a command's state comes from: the state the last command of this process left (remembered,
 * at most REMEMBERED_STREAMS, the least recently used forgotten first), else the projection's
 * snapshot plus any events after it (normally none), else the whole stream folded.
 *
 * A remembered state is handed to every later command on its stream, and the next state shares its
 * unchanged parts: it is `frozen` (deep-frozen under NODE_ENV=test, untouched otherwise), so that
 * changing it is a compile error and, in tests, a TypeError.
 */
export class StreamStates<State, Event extends { type: string; data: unknown }> {
  /** The latest state known per stream, least recently used first (a Map keeps insertion order). */
  private readonly remembered = new Map<string, { state: DeepReadonly<State>; version: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly store: EventStore,
    private readonly aggregate: Aggregate<State, never, Event>,
  ) {}

  /** The stream read and folded, up to `options` (a past version or moment). */
  async load(
    id: string,
    options: ReadStreamOptions = {},
  ): Promise<{ state: DeepReadonly<State> | undefined; version: number; events: StoredEvent[] }> {
    const events = await this.store.readStream(this.aggregate.stream(id), options);
    return { state: this.fold(events), version: events.at(-1)?.version ?? 0, events };
  }

  async current(id: string): Promise<CurrentState<State>> {
    const known = this.remembered.get(id);
    if (known) {
      this.remember(id, known.state, known.version);
      return { ...known, projected: known.state, remembered: true };
    }
    const snapshot = await this.aggregate.snapshot(this.db, id);
    if (snapshot.head === snapshot.version) {
      const state = snapshot.state === undefined ? undefined : this.remember(id, snapshot.state, snapshot.version);
      return { state, version: snapshot.version, projected: state };
    }
    const newer = await this.store.readStream(this.aggregate.stream(id), { afterVersion: snapshot.version });
    return { state: this.fold(newer, snapshot.state), version: newer.at(-1)?.version ?? snapshot.version };
  }

  /** Keeps `state` as the stream's latest, the most recently used; past the limit the least recently used goes. */
  remember(id: string, state: DeepReadonly<State>, version: number): DeepReadonly<State> {
    const kept = frozen<State>(state);
    this.remembered.delete(id);
    this.remembered.set(id, { state: kept, version });
    if (this.remembered.size > REMEMBERED_STREAMS) this.remembered.delete(this.remembered.keys().next().value!);
    return kept;
  }

  /** The stream may be elsewhere than remembered (another outcome, or one unknown): the next command reads it. */
  forget(id: string): void {
    this.remembered.delete(id);
  }

  fold(events: readonly { type: string }[], from?: DeepReadonly<State>): DeepReadonly<State> | undefined {
    return events.reduce<DeepReadonly<State> | undefined>((state, event) => this.aggregate.evolve(state, event as unknown as Event), from);
  }
}
