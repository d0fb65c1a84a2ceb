import { resolve } from 'node:path';
import { z } from 'zod';
import { integer, url } from './fields';
import { StartupError } from './startup-error';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The settings every library may read, plain values all: read from the environment, unset means the
 * embedded default. A library whose settings are values of its own domain (access, reminders) keeps
 * them with itself; the whole configuration is read at once where the libraries are assembled.
 */
export const environment = {
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: integer(0, 65535).default(3000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  SHINCHOKU_DATA_DIR: z.string().trim().min(1).default('.shinchoku'),
  EMBEDDED_PG_PORT: integer(1, 65535).default(54329),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,40}$/, 'must be lower-case letters, digits and _ (it names a Redis prefix or a Postgres schema)')
    .default('shinchoku'),
  DATABASE_POOL_SIZE: integer(2, 200).default(10),
  PROCESSOR_BATCH_SIZE: integer(1, 10000).default(500),
  PROCESSOR_POLL_MS: integer(10, 60000).default(500),
  ADMIN_TOKEN: z.string().trim().min(16, 'must be at least 16 characters').max(512).optional(),
  SHEET_CACHE_ENTRIES: integer(0, 1_000_000).default(1000),
  SHEET_CACHE_POLL_MS: integer(10, 60_000).default(100),
  PROGRESS_AT_RISK: z.coerce
    .number({ error: 'must be a fraction such as 0.15' })
    .min(0, 'must be 0 to 1')
    .max(1, 'must be 0 to 1')
    .default(0.15),
  PROGRESS_OFF_TRACK: z.coerce
    .number({ error: 'must be a fraction such as 0.35' })
    .min(0, 'must be 0 to 1')
    .max(1, 'must be 0 to 1')
    .default(0.35),
  NODE_ENV: z.string().trim().optional(),
  // Faults: how long a request may wait on the database and on its client (0 = no bound); jobs run unbounded.
  DATABASE_STATEMENT_TIMEOUT_MS: integer(0, 3_600_000).default(5_000),
  DATABASE_LOCK_TIMEOUT_MS: integer(0, 3_600_000).default(2_000),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: integer(0, 3_600_000).default(30_000),
  DATABASE_POOL_WAIT_MS: integer(0, 600_000).default(2_000),
  HTTP_REQUEST_TIMEOUT_MS: integer(0, 3_600_000).default(120_000),
  HTTP_HANDLER_TIMEOUT_MS: integer(0, 3_600_000).default(30_000),
};

export type Environment = z.output<z.ZodObject<typeof environment>>;

/** Checks that span several of the plain settings. */
export function checkEnvironment(e: Environment, context: z.RefinementCtx): void {
  if (!(e.PROGRESS_AT_RISK < e.PROGRESS_OFF_TRACK)) {
    context.addIssue({ code: 'custom', path: ['PROGRESS_OFF_TRACK'], message: 'must be more than PROGRESS_AT_RISK' });
  }
}

export interface Config {
  /** External Postgres; absent = start embedded Postgres under dataDir. */
  databaseUrl?: string;
  /** External Redis for BullMQ; absent = BullMQ's Postgres backend on the same database. */
  redisUrl?: string;
  host: string;
  port: number;
  logLevel: LogLevel;
  dataDir: string;
  embeddedPostgresPort: number;
  queuePrefix: string;
  databasePoolSize: number;
  processorBatchSize: number;
  processorPollMs: number;
  /** The bootstrap administrator's bearer token; generated and kept in dataDir when embedded. */
  adminToken?: string;
  /** Rendered sheets each API process keeps in memory for GET (least recently read dropped first); 0 = none. */
  sheetCacheEntries: number;
  /** How often an API process asks which sheets other writers changed: the delay before it sees their writes. */
  sheetCachePollMs: number;
  /** How far behind pace (a fraction) makes an indicator at risk, and off track. */
  progressThresholds: { atRisk: number; offTrack: number };
  /** Bounds on the database while serving (0 = none): past them a request answers 503 with Retry-After. */
  databaseTimeouts: { statementMs: number; lockMs: number; idleInTransactionMs: number; poolWaitMs: number };
  /** Receiving a whole request (and a silent socket), and answering it, in ms; 0 = no bound. */
  http: { requestTimeoutMs: number; handlerTimeoutMs: number };
}

/** Values that may carry credentials are never echoed back. */
export const SECRETS: readonly string[] = ['DATABASE_URL', 'REDIS_URL', 'ADMIN_TOKEN'];

export class ConfigError extends StartupError {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Reads and checks settings at once, reporting every problem, not just the first: the variables
 * of `schema` from `env`, a blank value as unset; values of the `secrets` variables are never shown.
 */
export function readEnvironment<T extends z.ZodType>(
  schema: T & { shape: z.ZodRawShape },
  secrets: readonly string[],
  env: NodeJS.ProcessEnv,
): z.output<T> {
  const blankAsUnset = Object.fromEntries(Object.keys(schema.shape).map((key) => [key, env[key]?.trim() === '' ? undefined : env[key]]));
  const parsed = schema.safeParse(blankAsUnset);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]);
      const shown = secrets.includes(key) ? '(value hidden)' : JSON.stringify(env[key]);
      // A path into a JSON setting helps; an index into a list whose value is shown does not.
      const nested = issue.path.slice(1);
      const inside = nested.every((segment) => typeof segment === 'number') ? '' : nested.join('.');
      return `${key}=${shown}: ${inside ? `${inside} ` : ''}${issue.message}`;
    }),
  );
}

/** The plain settings from the environment as read. */
export function configOf(e: Environment): Config {
  return {
    ...(e.DATABASE_URL !== undefined && { databaseUrl: e.DATABASE_URL }),
    ...(e.REDIS_URL !== undefined && { redisUrl: e.REDIS_URL }),
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    dataDir: resolve(e.SHINCHOKU_DATA_DIR),
    embeddedPostgresPort: e.EMBEDDED_PG_PORT,
    queuePrefix: e.QUEUE_PREFIX,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    processorBatchSize: e.PROCESSOR_BATCH_SIZE,
    processorPollMs: e.PROCESSOR_POLL_MS,
    ...(e.ADMIN_TOKEN !== undefined && { adminToken: e.ADMIN_TOKEN }),
    sheetCacheEntries: e.SHEET_CACHE_ENTRIES,
    sheetCachePollMs: e.SHEET_CACHE_POLL_MS,
    progressThresholds: { atRisk: e.PROGRESS_AT_RISK, offTrack: e.PROGRESS_OFF_TRACK },
    databaseTimeouts: {
      statementMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      lockMs: e.DATABASE_LOCK_TIMEOUT_MS,
      idleInTransactionMs: e.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      poolWaitMs: e.DATABASE_POOL_WAIT_MS,
    },
    http: { requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS, handlerTimeoutMs: e.HTTP_HANDLER_TIMEOUT_MS },
  };
}
