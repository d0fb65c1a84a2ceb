import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import { Client, Pool, type QueryConfig } from 'pg';
import type { Database } from './schema';

/**
 * Put at the start of a statement's text to have it prepared once per connection and executed by
 * name afterwards: Postgres then neither parses nor plans it again. For the hot statements whose
 * parsing and planning cost Postgres a good part of running them (the append of every command).
 * The text must not vary but in its parameters.
 */
export const PREPARED = '/* prepared */ ';

/** Statement names by text: the few prepared texts are hashed once, not on every run. */
const preparedNames = new Map<string, string>();

/** A pg client that prepares the statements marked PREPARED, named by their text. */
class PreparingClient extends Client {
  // Kysely calls query(text, values); anything else passes through unchanged.
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config !== 'string' || !config.startsWith(PREPARED)) return super.query(config, values, callback);
    let name = preparedNames.get(config);
    if (name === undefined) preparedNames.set(config, (name = `prepared_${createHash('sha1').update(config).digest('hex')}`));
    return super.query({ name, text: config, values } as QueryConfig, callback);
  }
}

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly pool: Pool;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url: string;
  poolSize: number;
  applicationName?: string;
}

export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolSize,
    application_name: options.applicationName ?? 'shinchoku',
    Client: PreparingClient,
  });
  // A client losing its server (restart, failover, terminated backend) must not crash the
  // process: the query in flight fails on its own, and the pool replaces the client.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, close: () => db.destroy() };
}
