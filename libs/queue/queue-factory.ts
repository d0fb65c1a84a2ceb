import { IQueueBackend, Processor, Queue, Worker, WorkerOptions, createPostgresBackend, withBackend } from 'bullmq';
import { Redis } from 'ioredis';

/** Where BullMQ keeps its jobs: Redis in production, or the Postgres we already have. */
export type QueueConnection = { kind: 'redis'; url: string; prefix: string } | { kind: 'postgres'; url: string; schema: string };

// The last parameters are the backend's connection options, Redis's or PostgreSQL's: BullMQ uses them
// both ways (given and handed back), so only `any` holds either backend's queue under one type.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type AnyQueue<Data = unknown> = Queue<Data, unknown, string, Data, unknown, string, IQueueBackend, any>;
export type AnyWorker<Data = unknown> = Worker<Data, unknown, string, IQueueBackend, any, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */
export type WorkerSettings = Omit<WorkerOptions, 'connection' | 'prefix'>;

const PostgresBacked = withBackend(createPostgresBackend);

/**
 * Builds queues and workers on the configured backend, so the rest of the code never asks
 * which one it is. Redis clients are shared by queues; each worker gets its own, as BullMQ's
 * blocking reads require.
 */
export class QueueFactory {
  private readonly closables: Array<{ close(): Promise<unknown> }> = [];
  private readonly queues: AnyQueue<unknown>[] = [];
  private sharedRedis?: Redis;

  constructor(readonly connection: QueueConnection) {}

  get backend(): QueueConnection['kind'] {
    return this.connection.kind;
  }

  queue<Data>(name: string): AnyQueue<Data> {
    const queue =
      this.connection.kind === 'redis'
        ? new Queue<Data>(name, { connection: this.redis(), prefix: this.connection.prefix })
        : new PostgresBacked.Queue<Data>(name, { connection: this.postgres() });
    this.queues.push(queue);
    return this.track(queue as unknown as AnyQueue<Data>);
  }

  worker<Data>(name: string, processor: Processor<Data>, settings: WorkerSettings = {}): AnyWorker<Data> {
    const worker =
      this.connection.kind === 'redis'
        ? new Worker<Data>(name, processor, {
            ...settings,
            connection: this.track(this.newRedis()),
            prefix: this.connection.prefix,
          })
        : new PostgresBacked.Worker<Data>(name, processor as never, { ...settings, connection: this.postgres() });
    return this.track(worker);
  }

  /** The queues made so far (for metrics). */
  opened(): readonly AnyQueue<unknown>[] {
    return this.queues;
  }

  /** Closes every queue and worker it made (workers finish their current job first), then the shared client. */
  async close(): Promise<void> {
    for (const closable of this.closables.splice(0).reverse()) await closable.close().catch(() => undefined);
  }

  private track<T extends { close(): Promise<unknown> } | Redis>(closable: T): T {
    // BullMQ never closes a Redis client it was handed, so we quit our own after their users close.
    this.closables.push(closable instanceof Redis ? { close: () => closable.quit() } : closable);
    return closable;
  }

  private redis(): Redis {
    return (this.sharedRedis ??= this.track(this.newRedis()));
  }

  private newRedis(): Redis {
    const { url } = this.connection as { url: string };
    // BullMQ needs commands to wait for a reconnect rather than fail after a few retries.
    const client = new Redis(url, { maxRetriesPerRequest: null });
    client.on('error', () => undefined);
    return client;
  }

  private postgres() {
    const { url, schema } = this.connection as { url: string; schema: string };
    return { connectionString: url, schema, migrate: true, max: 4 };
  }
}
