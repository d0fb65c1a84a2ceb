import { Redis } from 'ioredis';
import { sql, type Kysely } from 'kysely';
import { PREPARED, type Database } from '@shinchoku/database';

/** Hits counted so far in the current fixed window of a key, and when that window ends (epoch ms). */
export interface WindowCount {
  hits: number;
  windowEndsAt: number;
}

/**
 * One shared count per key and fixed window, the same for every API process: a limit of N stays N
 * however many processes serve the API. One round trip per call, which adds `hits` at once.
 */
export abstract class RateCounter {
  abstract hit(key: string, now: number, windowMs: number, hits: number): Promise<WindowCount>;
  abstract close(): Promise<void>;
}

const windowEnd = (now: number, windowMs: number) => (Math.floor(now / windowMs) + 1) * windowMs;

/** INCR on a key per window, expiring on its own shortly after the window. */
export class RedisRateCounter extends RateCounter {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    super();
    // Fail at once while Redis is away rather than hold requests in the offline queue; the caller lets them through.
    this.redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 1_000 });
    this.redis.on('error', () => undefined);
  }

  async hit(key: string, now: number, windowMs: number, hits: number): Promise<WindowCount> {
    const windowEndsAt = windowEnd(now, windowMs);
    const name = `${this.prefix}:rate:${key}:${windowEndsAt}`;
    const replies = await this.redis
      .multi()
      .incrby(name, hits)
      .pexpire(name, windowMs + 1_000)
      .exec();
    const [error, total] = replies?.[0] ?? [new Error('the rate count transaction was discarded')];
    if (error) throw error;
    return { hits: Number(total), windowEndsAt };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/** How often a process deletes the rows of windows that have ended. */
const SWEEP_MS = 60_000;

/**
 * One row per key (rate_limit_windows, unlogged), upserted: a hit in a later window starts it
 * again at 1; one from a process whose clock lags a little counts into the newer window.
 */
export class PostgresRateCounter extends RateCounter {
  private sweptAt = 0;

  constructor(private readonly db: Kysely<Database>) {
    super();
  }

  async hit(key: string, now: number, windowMs: number, hits: number): Promise<WindowCount> {
    this.sweep(now);
    const { rows } = await sql<{ hits: number; window_ends_at: Date }>`${sql.raw(PREPARED)}
      INSERT INTO rate_limit_windows AS w (key, window_ends_at, hits) VALUES (${key}, ${new Date(windowEnd(now, windowMs))}, ${hits})
      ON CONFLICT (key) DO UPDATE SET
        hits = CASE WHEN w.window_ends_at >= EXCLUDED.window_ends_at THEN w.hits + EXCLUDED.hits ELSE EXCLUDED.hits END,
        window_ends_at = GREATEST(w.window_ends_at, EXCLUDED.window_ends_at)
      RETURNING hits, window_ends_at`.execute(this.db);
    return { hits: rows[0]!.hits, windowEndsAt: rows[0]!.window_ends_at.getTime() };
  }

  async close(): Promise<void> {}

  /** Rows of ended windows count for nothing (the next hit restarts them): keep the table to the live ones. */
  private sweep(now: number): void {
    if (now - this.sweptAt < SWEEP_MS && now >= this.sweptAt) return;
    this.sweptAt = now;
    this.db
      .deleteFrom('rate_limit_windows')
      .where('window_ends_at', '<=', new Date(now))
      .execute()
      .catch(() => (this.sweptAt = 0));
  }
}
