import { Logger } from '@nestjs/common';
import { Clock } from '@shinchoku/runtime';
import { RateCounter } from './rate-counter';

/** Trackers this process remembers (over the limit, or holding a lease); past it, it sweeps the ended ones, or forgets them all. */
const REMEMBERED = 10_000;
/** At most one warning per this long while the shared count cannot be reached. */
const WARN_EVERY_MS = 60_000;

/**
 * At most `max` hits per tracker in each fixed window, counted across processes.
 *
 * A process takes hits from the shared count `lease` at a time and spends them locally, so a busy
 * tracker costs one round trip per `lease` hits, not one per hit; the lease is cut to what is left
 * under the limit, so the processes together never allow more than `max`. (A lease unspent when the
 * window ends is lost: near the limit, a tracker spread over several processes may get a little
 * less.) Once the count is over, this process refuses the tracker without asking again until the
 * window ends: a flood costs one shared count per process, then nothing.
 */
export class SharedLimit {
  private readonly over = new Map<string, number>();
  private readonly leases = new Map<string, { windowEndsAt: number; left: number }>();
  private readonly logger = new Logger('RateLimit');
  private warnedAt = Number.NEGATIVE_INFINITY;

  constructor(
    /** Names the limit in keys and in the 429. */
    readonly name: string,
    readonly max: number,
    readonly windowMs: number,
    private readonly counter: RateCounter,
    private readonly clock: Clock,
    private readonly lease = 1,
  ) {}

  /** Seconds to wait when this process already knows the tracker is over the limit; no round trip. */
  retryAfter(tracker: string): number | undefined {
    const until = this.over.get(tracker);
    if (until === undefined) return undefined;
    const now = this.clock.now().getTime();
    if (now < until) return secondsUntil(until, now);
    this.over.delete(tracker);
    return undefined;
  }

  /**
   * Counts a hit; seconds to wait when it is over the limit. When the count cannot be reached the
   * hit is let through (and said in the log): an outage of Redis must not take the API with it.
   */
  async hit(tracker: string): Promise<number | undefined> {
    const now = this.clock.now().getTime();
    const held = this.leases.get(tracker);
    if (held && held.left > 0 && now < held.windowEndsAt) {
      held.left -= 1;
      return undefined;
    }
    let count;
    try {
      count = await this.counter.hit(`${this.name}:${tracker}`, now, this.windowMs, this.lease);
    } catch (error) {
      if (now - this.warnedAt >= WARN_EVERY_MS) {
        this.warnedAt = now;
        this.logger.warn(
          `the shared count for ${this.name} cannot be reached, so it is not enforced meanwhile: ${(error as Error).message}`,
        );
      }
      return undefined;
    }
    const granted = Math.min(this.lease, this.max - (count.hits - this.lease));
    if (granted <= 0) {
      this.keep(this.over, tracker, count.windowEndsAt, now);
      return secondsUntil(count.windowEndsAt, now);
    }
    if (this.lease > 1) this.keep(this.leases, tracker, { windowEndsAt: count.windowEndsAt, left: granted - 1 }, now);
    return undefined;
  }

  private keep<T extends number | { windowEndsAt: number }>(map: Map<string, T>, tracker: string, value: T, now: number): void {
    if (map.size >= REMEMBERED) {
      for (const [key, entry] of map) if ((typeof entry === 'number' ? entry : entry.windowEndsAt) <= now) map.delete(key);
      if (map.size >= REMEMBERED) map.clear();
    }
    map.set(tracker, value);
  }
}

const secondsUntil = (until: number, now: number) => Math.max(1, Math.ceil((until - now) / 1000));
