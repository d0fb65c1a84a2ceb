import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import { Client, Pool, type ClientConfig, type QueryConfig } from 'pg';
import { sessionEnded } from './faults';
import type { Database } from './schema';

/**
 * Put at the start of a statement's text to have it prepared once per connection and executed by
 * name afterwards: Postgres then neither parses nor plans it again. For the hot statements whose
 * parsing and planning cost Postgres a good part of running them (the append of every command).
 * The text must not vary but in its parameters.
 */
export const PREPARED = '/* prepared */ ';

/** Marks the statement that lifts the bounds for the rest of its transaction (see `unbounded`). */
const UNBOUNDED = '/* unbounded */ ';

/** Statement names by text: the few prepared texts are hashed once, not on every run. */
const preparedNames = new Map<string, string>();

/**
 * How long the database may keep a caller waiting; 0 = no bound. A request must fail fast when
 * the server is frozen, locked or gone (the API answers 503); jobs (migrations, rebuilds, the CLI)
 * open the database without bounds, since their statements may rightly run for minutes.
 */
export interface DatabaseTimeouts {
  /** A statement running longer is cancelled by the server (57014). */
  statementMs: number;
  /** Waiting longer for a lock fails (55P03) instead of queueing behind a long holder. */
  lockMs: number;
  /** A session idle inside a transaction longer is ended: it would hold the feed back for everyone. */
  idleInTransactionMs: number;
  /** Waiting for a pooled connection, or for a new one to be established. */
  poolWaitMs: number;
}

export const NO_TIMEOUTS: DatabaseTimeouts = { statementMs: 0, lockMs: 0, idleInTransactionMs: 0, poolWaitMs: 0 };

/**
 * The statement timeout is the server's: a server that does not answer at all (frozen, cut off)
 * never sends the cancellation. The client gives up this much later, so a live server's own
 * cancellation, which leaves the connection usable, always comes first.
 */
const READ_GRACE_MS = 1_000;

interface BoundedClientConfig extends ClientConfig {
  readTimeoutMs?: number;
}

/**
 * A pg client that prepares the statements marked PREPARED, named by their text, and gives up on
 * a statement the server has not answered within its read timeout. A connection that timed out
 * is closed rather than reused: the late answer would be taken for the next statement's.
 */
class PreparingClient extends Client {
  private readonly readTimeoutMs: number;
  /** Inside a transaction begun by `unbounded`: no read timeout until it ends. */
  private lifted = false;

  constructor(config: BoundedClientConfig) {
    super(config);
    this.readTimeoutMs = config.readTimeoutMs ?? 0;
  }

  // Kysely calls query(text, values); anything else passes through unchanged. pg declares query with
  // a dozen overloads and one override must accept them all, so its signature is pg's own `any`.
  /* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument */
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config !== 'string') return super.query(config, values, callback);
    if (config.startsWith(UNBOUNDED)) this.lifted = true;
    else if (this.lifted && this.getTransactionStatus() === 'I') this.lifted = false;
    const bounded = this.readTimeoutMs > 0 && !this.lifted ? { query_timeout: this.readTimeoutMs } : {};
    let query: QueryConfig = { text: config, ...bounded };
    if (config.startsWith(PREPARED)) {
      let name = preparedNames.get(config);
      if (name === undefined) preparedNames.set(config, (name = `prepared_${createHash('sha1').update(config).digest('hex')}`));
      query = { ...query, name };
    }
    const result: unknown = super.query(query as any, values, callback);
    // Runs before the caller's own handler, so the pool sees the client ending when it is released.
    if (result instanceof Promise) result.catch((error: unknown) => connectionIsOver(error) && void this.end().catch(() => undefined));
    return result;
  }
  /* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument */
}

/** pg's message when query_timeout expires. */
const READ_TIMEOUT = 'Query read timeout';

/**
 * A statement that timed out, or whose answer ended the session: ended at once, the connection is
 * not handed out again before its socket's close is noticed.
 */
const connectionIsOver = (error: unknown) => (error as Error)?.message === READ_TIMEOUT || sessionEnded(error);

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly pool: Pool;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url: string;
  poolSize: number;
  applicationName?: string;
  /** None when absent: bounds are for serving requests (see DatabaseTimeouts). */
  timeouts?: DatabaseTimeouts;
}

export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  const t = options.timeouts ?? NO_TIMEOUTS;
  const config: BoundedClientConfig & { max: number; connectionTimeoutMillis?: number; Client: typeof Client } = {
    connectionString: options.url,
    max: options.poolSize,
    application_name: options.applicationName ?? 'shinchoku',
    Client: PreparingClient,
    // A peer that vanished without closing (a cut network) is noticed by the kernel in time.
    keepAlive: true,
    ...(t.statementMs > 0 && { statement_timeout: t.statementMs, readTimeoutMs: t.statementMs + READ_GRACE_MS }),
    ...(t.lockMs > 0 && { lock_timeout: t.lockMs }),
    ...(t.idleInTransactionMs > 0 && { idle_in_transaction_session_timeout: t.idleInTransactionMs }),
    // pg-pool bounds both waiting for a free client and connecting a new one with it.
    ...(t.poolWaitMs > 0 && { connectionTimeoutMillis: t.poolWaitMs }),
  };
  const pool = new Pool(config);
  // A client losing its server (restart, failover, terminated backend) must not crash the
  // process: the query in flight fails on its own, and the pool replaces the client.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, close: () => db.destroy() };
}

/**
 * Runs `work` in a transaction free of the statement and read timeouts: for the few requests that
 * rightly take long, such as walking every hash chain of a large store. Lock waits stay bounded.
 */
export function unbounded<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql.raw(`${UNBOUNDED}SET LOCAL statement_timeout = 0`).execute(trx);
    return work(trx);
  });
}
