import { Logger } from '@nestjs/common';
import { Clock } from '@shinchoku/runtime';
import { RateCounter } from './rate-counter';

/** Trackers this process remembers as over their limit; past it, it sweeps the ended ones, or forgets them all. */
const REMEMBERED = 10_000;
/** At most one warning per this long while the shared count cannot be reached. */
const WARN_EVERY_MS = 60_000;

/**
 * At most `max` hits per tracker in each fixed window, counted across processes. Once a hit finds
 * the count over the limit, this process remembers it until the window ends and refuses that
 * tracker without asking again: a flood costs one shared count per process, then nothing.
 */
export class SharedLimit {
  private readonly over = new Map<string, number>();
  private readonly logger = new Logger('RateLimit');
  private warnedAt = Number.NEGATIVE_INFINITY;

  constructor(
    /** Names the limit in keys and in the 429. */
    readonly name: string,
    readonly max: number,
    readonly windowMs: number,
    private readonly counter: RateCounter,
    private readonly clock: Clock,
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
    let count;
    try {
      count = await this.counter.hit(`${this.name}:${tracker}`, now, this.windowMs);
    } catch (error) {
      if (now - this.warnedAt >= WARN_EVERY_MS) {
        this.warnedAt = now;
        this.logger.warn(`the shared count for ${this.name} cannot be reached, so it is not enforced meanwhile: ${(error as Error).message}`);
      }
      return undefined;
    }
    if (count.hits <= this.max) return undefined;
    this.remember(tracker, count.windowEndsAt, now);
    return secondsUntil(count.windowEndsAt, now);
  }

  private remember(tracker: string, until: number, now: number): void {
    if (this.over.size >= REMEMBERED) {
      for (const [key, ends] of this.over) if (ends <= now) this.over.delete(key);
      if (this.over.size >= REMEMBERED) this.over.clear();
    }
    this.over.set(tracker, until);
  }
}

const secondsUntil = (until: number, now: number) => Math.max(1, Math.ceil((until - now) / 1000));
