import type { LoggerService } from '@nestjs/common';
import type { Config } from '@shinchoku/config';
import type { DatabaseHandle } from '@shinchoku/database';
import type { EventStore } from '@shinchoku/event-store';
import type { QueueFactory } from '@shinchoku/queue';

/** The process-wide pieces every part of shinchoku shares, opened in order and closed in reverse. */
export interface Resources<C extends Config = Config> {
  config: C;
  /** Where the database is: DATABASE_URL, or the embedded server this process started. */
  databaseUrl: string;
  database: DatabaseHandle;
  store: EventStore;
  queues: QueueFactory;
  close(): Promise<void>;
}

export interface OpenOptions {
  logger: LoggerService;
  /** Called when the embedded server dies under us: the process cannot go on. */
  onFatal?: (reason: string) => void;
  /**
   * A job (migrate, rebuild, import, export, verify from the command line): its statements may
   * rightly run for minutes, so none of the serving bounds apply. Otherwise the pool is bounded by
   * config.databaseTimeouts, as requests need.
   */
  job?: boolean;
}
