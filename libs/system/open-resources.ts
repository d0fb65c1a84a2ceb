import { Config, StartupError } from '@shinchoku/config';
import { EmbeddedPostgres, openDatabase } from '@shinchoku/database';
import { EventStore } from '@shinchoku/event-store';
import { QueueConnection, QueueFactory } from '@shinchoku/queue';
import type { OpenOptions, Resources } from '@shinchoku/runtime';
import { sheetUpcasters } from '@shinchoku/sheets/domain';
import { migrateToLatest } from '../../db/migrate';

/**
 * Opens what every part of the process shares: the database (embedded unless DATABASE_URL), migrated
 * to the latest, the event store reading every library's old events, and the queues.
 */
export async function openResources<C extends Config>(config: C, { logger, onFatal, job = false }: OpenOptions): Promise<Resources<C>> {
  const embedded = config.databaseUrl
    ? undefined
    : await EmbeddedPostgres.start({
        dataDir: config.dataDir,
        port: config.embeddedPostgresPort,
        log: (message) => {
          logger.log(message, 'EmbeddedPostgres');
        },
        onUnexpectedExit: (code) => onFatal?.(`embedded PostgreSQL exited unexpectedly (code ${code})`),
      });
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  // Migrations are a job whatever the process: on a connection of their own, without bounds.
  const migrating = openDatabase({ url: databaseUrl, poolSize: 1 });
  try {
    const { applied } = await migrateToLatest(migrating.db);
    if (applied.length > 0) logger.log(`applied migrations: ${applied.join(', ')}`, 'Migrations');
  } catch (error) {
    await migrating.close();
    await embedded?.stop();
    throw explainConnectionFailure(error, databaseUrl);
  }
  await migrating.close();
  const database = openDatabase({
    url: databaseUrl,
    poolSize: config.databasePoolSize,
    ...(!job && { timeouts: config.databaseTimeouts }),
  });
  const queues = new QueueFactory(queueConnection(config, databaseUrl));
  return {
    config,
    databaseUrl,
    database,
    store: new EventStore(database.db, sheetUpcasters),
    queues,
    async close() {
      await queues.close();
      await database.close();
      await embedded?.stop();
    },
  };
}

/** Connection problems are the operator's to fix: say where and why, never with the password. */
function explainConnectionFailure(error: unknown, url: string): unknown {
  const { code, message } =
    (error as { cause?: { code?: string; message?: string } }).cause ?? (error as { code?: string; message?: string });
  const where = (() => {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  })();
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'nothing is listening there',
    ENOTFOUND: 'the host name is unknown',
    ETIMEDOUT: 'the connection timed out',
    '28P01': 'the password was rejected',
    '28000': 'the user is not allowed to connect',
    '3D000': 'the database does not exist',
  };
  const reason = code ? reasons[code] : undefined;
  return reason ? new StartupError(`cannot use the database at ${where} (DATABASE_URL): ${reason} — ${message}`) : error;
}

function queueConnection(config: Config, databaseUrl: string): QueueConnection {
  return config.redisUrl
    ? { kind: 'redis', url: config.redisUrl, prefix: config.queuePrefix }
    : { kind: 'postgres', url: databaseUrl, schema: config.queuePrefix };
}
