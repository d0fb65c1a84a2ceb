import { frozen, type DeepReadonly } from '@shinchoku/immutable';
import type { SheetCacheObserver } from '@shinchoku/metrics';
import type { RenderedSheet } from './sheet-queries';

/**
 * The current sheets as GET sends them, kept in this process: at most `capacity`, the least
 * recently read dropped first (a Map keeps insertion order; a hit moves its entry to the end).
 *
 * An entry is dropped as soon as its sheet may have changed: by a command of this process before
 * that command answers (so this process reads its own writes exactly), and by any other writer
 * once SheetChanges sees it committed. It serves only while SheetChanges can tell (`resume`); when
 * it cannot, it empties (`suspend`), since what changed meanwhile is unknown.
 *
 * A miss reads the database; what it brings back is kept only if no change of that sheet was
 * reported while it was under way, as it may have read the row just before that commit.
 */
export class SheetViewCache {
  private readonly entries = new Map<string, DeepReadonly<RenderedSheet>>();
  /** The miss under way per sheet, shared by the reads that arrive meanwhile; a change removes it. */
  private readonly reading = new Map<string, Promise<DeepReadonly<RenderedSheet> | undefined>>();
  private serving = false;

  constructor(
    private readonly capacity: number,
    private readonly load: (sheetId: string) => Promise<RenderedSheet | undefined>,
    private readonly observer?: SheetCacheObserver,
  ) {}

  /** The sheet as GET sends it; `fresh` (Cache-Control: no-cache) reads the database whatever is kept. */
  async read(sheetId: string, fresh = false): Promise<DeepReadonly<RenderedSheet> | undefined> {
    if (fresh || !this.serving) {
      this.observer?.sheetCacheRead(fresh ? 'bypass' : 'off');
      return this.load(sheetId);
    }
    const hit = this.entries.get(sheetId);
    if (hit) {
      this.entries.delete(sheetId);
      this.entries.set(sheetId, hit);
      this.observer?.sheetCacheRead('hit');
      return hit;
    }
    this.observer?.sheetCacheRead('miss');
    const under = this.reading.get(sheetId);
    if (under) return under;
    const read = this.load(sheetId).then((found) => found && frozen(found));
    this.reading.set(sheetId, read);
    try {
      const found = await read;
      if (found && this.reading.get(sheetId) === read) this.keep(sheetId, found);
      return found;
    } finally {
      if (this.reading.get(sheetId) === read) this.reading.delete(sheetId);
    }
  }

  /** The sheet may have changed. */
  drop(sheetId: string): void {
    this.entries.delete(sheetId);
    this.reading.delete(sheetId);
  }

  /** Any sheet may have changed. */
  dropAll(): void {
    this.entries.clear();
    this.reading.clear();
  }

  /** Every change from now on will be reported: start serving, from empty. */
  resume(): void {
    this.dropAll();
    this.serving = this.capacity > 0;
  }

  /** Changes may go unreported: serve nothing until `resume`. */
  suspend(): void {
    this.serving = false;
    this.dropAll();
  }

  /** How many sheets are kept now. */
  get size(): number {
    return this.entries.size;
  }

  private keep(sheetId: string, sheet: DeepReadonly<RenderedSheet>) {
    this.entries.set(sheetId, sheet);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
