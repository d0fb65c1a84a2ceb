import { Kysely, RawBuilder, sql } from 'kysely';
import type { Database } from '@shinchoku/database';
import { sheetStream } from './aggregates';
import type { SheetViewCache } from './sheet-view-cache';

const STREAM_PREFIX = sheetStream('');

/** How long a look may take before the cache stops serving until one answers. */
const LOOK_TIMEOUT_MS = 5_000;

/**
 * Tells the cache which sheets other writers changed, every `intervalMs`. Each look takes a
 * snapshot and asks which transactions the previous look's snapshot did not see committed — those
 * at or after its xmax, or in progress then — appended to a sheet's stream (events carry their
 * transaction, indexed for the feed) or rebuilt the current state (migration 0006). A transaction
 * is reported by the first look that sees it committed, whatever order transactions commit in and
 * however long they ran, so none is missed; and each look reads only what is new.
 * While the database does not answer, the cache serves nothing: changes are unknown until it does.
 * (A hand-made UPDATE of the sheets table is not a change it can see: the projection is written by
 * commands and rebuilds.)
 */
export class SheetChanges {
  /** The snapshot of the last look that answered. */
  private seen?: string;
  /** Whether the last look answered: the cache is serving. */
  private following = false;
  private timer?: NodeJS.Timeout;
  private looking?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly views: SheetViewCache,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.looking = this.look();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.looking;
    this.views.suspend();
  }

  private async look(): Promise<void> {
    // A look that hangs (a connection cut without a word) must not leave the cache serving what
    // it can no longer check.
    const hung = setTimeout(() => this.lost(), LOOK_TIMEOUT_MS).unref();
    try {
      // Two index range scans (an array, not IN (SELECT …), which the planner runs as a filter).
      const unseen = (xid: RawBuilder<unknown>) =>
        sql<boolean>`(${xid} >= pg_snapshot_xmax(${this.seen ?? null}::pg_snapshot) OR ${xid} = ANY (ARRAY(SELECT pg_snapshot_xip(${this.seen ?? null}::pg_snapshot))))`;
      const { rows } = await sql<{ snapshot: string; changed: string[]; rebuilt: boolean }>`
        SELECT pg_current_snapshot()::text AS snapshot,
               ARRAY(SELECT DISTINCT substr(stream_id, ${STREAM_PREFIX.length + 1}) FROM events
                      WHERE ${unseen(sql.ref('transaction_id'))} AND starts_with(stream_id, ${STREAM_PREFIX})) AS changed,
               EXISTS (SELECT FROM current_state_rebuilds WHERE ${unseen(sql.ref('rebuilt_by'))}) AS rebuilt`.execute(this.db);
      const { snapshot, changed, rebuilt } = rows[0]!;
      if (rebuilt) this.views.dropAll();
      for (const sheetId of changed) this.views.drop(sheetId);
      if (!this.following) this.views.resume();
      this.following = true;
      this.seen = snapshot;
    } catch {
      this.lost();
    } finally {
      clearTimeout(hung);
    }
    if (!this.stopped)
      this.timer = setTimeout(() => {
        this.looking = this.look();
      }, this.intervalMs).unref();
  }

  private lost() {
    this.following = false;
    this.views.suspend();
  }
}
