import { Kysely, sql } from 'kysely';
import type { Database } from '@shinchoku/database';
import type { SheetViewCache } from './sheet-view-cache';

/** How long a look may take before the cache stops serving until one answers. */
const LOOK_TIMEOUT_MS = 5_000;

/**
 * Tells the cache which sheets other writers changed, every `intervalMs`: one indexed query for
 * the rows stamped (migration 0006) by a transaction that the previous look's snapshot did not see
 * committed, and the snapshot of this look. A transaction is reported by the first look that sees
 * it committed, however long it ran and in whatever order transactions commit, so none is missed.
 * While the database does not answer, the cache serves nothing: changes are unknown until it does.
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
      const { rows } = await sql<{ snapshot: string; changed: string[] }>`
        SELECT pg_current_snapshot()::text AS snapshot,
               ARRAY(SELECT sheet_id::text FROM sheets
                      WHERE changed_by >= pg_snapshot_xmin(${this.seen ?? null}::pg_snapshot)
                        AND NOT pg_visible_in_snapshot(changed_by, ${this.seen ?? null}::pg_snapshot)) AS changed`.execute(this.db);
      const { snapshot, changed } = rows[0]!;
      for (const sheetId of changed) this.views.drop(sheetId);
      if (!this.following) this.views.resume();
      this.following = true;
      this.seen = snapshot;
    } catch {
      this.lost();
    } finally {
      clearTimeout(hung);
    }
    if (!this.stopped) this.timer = setTimeout(() => (this.looking = this.look()), this.intervalMs).unref();
  }

  private lost() {
    this.following = false;
    this.views.suspend();
  }
}
