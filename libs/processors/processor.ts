import type { Transaction } from 'kysely';
import type { Database } from '@shinchoku/database';
import type { ReplayedEvent, StoredEvent } from '@shinchoku/event-store';

/**
 * An async reader of the global feed (summaries, reminder planning, ...). Its writes and its
 * checkpoint commit in one transaction, so after any crash it resumes exactly where its last
 * committed batch ended: nothing lost, nothing applied twice.
 */
export interface Processor {
  /** Stable: it keys the checkpoint and the advisory lock. */
  readonly name: string;
  handle(events: readonly StoredEvent[], trx: Transaction<Database>): Promise<void>;
  /** Clears everything the processor has written, before a rebuild from the start of the feed. */
  reset(trx: Transaction<Database>): Promise<void>;
  /** Optional: a faster way to rebuild, for a processor that can take the feed stream by stream. */
  readonly byStream?: StreamRebuild;
}

/**
 * For a processor whose tables depend on each stream's own events, in feed order, and not on how
 * the streams interleave in the feed: a rebuild hands it whole streams one after another instead
 * of replaying the feed, in one transaction, and does what spans streams once at the end.
 */
export interface StreamRebuild {
  /** The streams it follows, by id prefix; none when `finish` needs no events (it plans from other tables). */
  readonly prefixes: readonly string[];
  /** Whole streams, each one's events in feed order; no stream comes twice. */
  handle(streams: ReadonlyArray<readonly ReplayedEvent[]>, trx: Transaction<Database>): Promise<void>;
  /** After the last stream. */
  finish(trx: Transaction<Database>): Promise<void>;
}
