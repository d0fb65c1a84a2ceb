import type { Transaction } from 'kysely';
import type { Database } from '@shinchoku/database';
import type { StoredEvent } from '@shinchoku/event-store';

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
}
