import { resolve } from 'node:path';
import { z } from 'zod';
import { type Grant, parseGrant } from '@shinchoku/access/domain/grants';
import { TOKEN_EXPIRY_SHAPE, parseTokenExpiry, type TokenExpiry } from '@shinchoku/access/domain/expiry';
import { isAddressOrRange } from '@shinchoku/access/http/client-address';
import { policyOverridesSchema, type PolicyOverrides } from '@shinchoku/reminders/domain/policy';
import { parseAllowedHost, type AllowedHost, type WebhookRules } from '@shinchoku/reminders/domain/webhook-address';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './import-limits';
import { StartupError } from './startup-error';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

const integer = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);
};

/** A setting holding JSON, checked against a schema; `notJson` says what was expected when it is not JSON at all. */
const json = <T extends z.ZodType>(schema: T, notJson = 'must be JSON') =>
  z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: notJson });
        return z.NEVER;
      }
    })
    .pipe(schema);

const GRANTS_SHAPE = 'must be a JSON object of group → ["role[:department[/unit]]", ...]';

/**
 * OIDC_GRANTS: a JSON object from a value of the groups claim to the grants it gives, each in the
 * CLI's form: {"shinchoku-admins": ["admin"], "nishi-chiiki": ["editor:西区/地域課", "viewer:西区"]}.
 */
const oidcGrants = json(z.record(z.string(), z.array(z.string()), { error: GRANTS_SHAPE }), GRANTS_SHAPE).transform(
  (groups, context): Record<string, Grant[]> =>
    Object.fromEntries(
      Object.entries(groups).map(([group, texts]) => [
        group,
        texts.map((text) => {
          const grant = parseGrant(text);
          if (typeof grant === 'string') context.addIssue({ code: 'custom', message: `${group}: ${grant}` });
          return grant as Grant;
        }),
      ]),
    ),
);

const isoDates = z
  .string()
  .transform((text) => text.split(',').map((day) => day.trim()).filter(Boolean))
  .pipe(z.array(z.iso.date({ error: 'must be dates as YYYY-MM-DD, separated by commas' })));

const flag = z.enum(['true', 'false'], { error: "must be 'true' or 'false'" }).transform((value) => value === 'true');

const allowedHosts = z.string().transform((text, context): AllowedHost[] =>
  text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const host = parseAllowedHost(entry);
      if (typeof host === 'string') context.addIssue({ code: 'custom', message: host });
      return host as AllowedHost;
    }),
);

/** Every setting, read from the environment. Unset means the embedded default. */
const environment = z.object({
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
  IMPORT_MAX_BYTES: integer(1024, 1024 * 1024 * 1024).default(20 * 1024 * 1024),
  SHEET_CACHE_ENTRIES: integer(0, 1_000_000).default(1000),
  SHEET_CACHE_POLL_MS: integer(10, 60_000).default(100),
  PROGRESS_AT_RISK: z.coerce.number({ error: 'must be a fraction such as 0.15' }).min(0, 'must be 0 to 1').max(1, 'must be 0 to 1').default(0.15),
  PROGRESS_OFF_TRACK: z.coerce.number({ error: 'must be a fraction such as 0.35' }).min(0, 'must be 0 to 1').max(1, 'must be 0 to 1').default(0.35),
  OIDC_ISSUER: z.string().trim().min(1).optional(),
  OIDC_AUDIENCE: z.string().trim().min(1).optional(),
  OIDC_JWKS_URL: url(['https:', 'http:']).optional(),
  OIDC_GROUPS_CLAIM: z.string().trim().min(1).default('groups'),
  OIDC_NAME_CLAIM: z.string().trim().min(1).default('name'),
  OIDC_GRANTS: oidcGrants.optional(),
  RATE_LIMIT_MAX: integer(1, 1_000_000).default(600),
  RATE_LIMIT_WINDOW_S: integer(1, 86_400).default(60),
  CORS_ORIGINS: z
    .string()
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
    .pipe(z.array(url(['https:', 'http:']).refine((o) => new URL(o).origin === o, 'each origin is scheme://host[:port], no path')))
    .optional(),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  SMTP_FROM: z.string().trim().min(3).max(320).default('shinchoku <shinchoku@localhost>'),
  WEBHOOK_SECRET: z.string().trim().min(16, 'must be at least 16 characters').max(512).optional(),
  PUBLIC_BASE_URL: url(['http:', 'https:']).optional(),
  REMINDER_POLICY: json(policyOverridesSchema).optional(),
  REMINDER_CLOSED_DAYS: isoDates.optional(),
  REMINDER_ATTEMPTS: integer(1, 50).default(8),
  REMINDER_BACKOFF_MS: integer(100, 3_600_000).default(30_000),
  REMINDER_RECONCILE_MS: integer(100, 3_600_000).default(60_000),
  // Access: the default lifetime of issued tokens, and failed sign-ins per client address (counted before any token lookup).
  TOKEN_DEFAULT_EXPIRY: z
    .string()
    .trim()
    .transform((text, context) => parseTokenExpiry(text) ?? (context.addIssue({ code: 'custom', message: TOKEN_EXPIRY_SHAPE }), z.NEVER))
    .default('fiscal-year-end'),
  AUTH_FAILURES_MAX: integer(1, 1_000_000).default(100),
  AUTH_FAILURES_WINDOW_S: integer(1, 86_400).default(60),
  TRUSTED_PROXIES: z
    .string()
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
    .pipe(z.array(z.string().refine(isAddressOrRange, 'each entry is an IP address or a CIDR range such as 10.0.0.0/8')))
    .optional(),
  // Issued tokens kept in memory per API process once found working (0 = looked up on every request); revocations
  // arrive by LISTEN/NOTIFY, and the poll (which also finds a dead listener connection) is the fallback's bound.
  TOKEN_CACHE_ENTRIES: integer(0, 1_000_000).default(10_000),
  TOKEN_CACHE_POLL_MS: integer(100, 60_000).default(1_000),
  // Outbound reminders: webhooks only to public https: hosts unless allowed; in production no e-mail to the log.
  WEBHOOK_ALLOW_HTTP: flag.default(false),
  WEBHOOK_ALLOWED_HOSTS: allowedHosts.optional(),
  NODE_ENV: z.string().trim().optional(),
  // Hostile files: what reading one uploaded file may unpack, hold and spend, checked before exceljs sees it.
  IMPORT_MAX_UNZIPPED_BYTES: integer(1024 * 1024, 4 * 1024 * 1024 * 1024).default(DEFAULT_IMPORT_LIMITS.unzippedBytes),
  IMPORT_MAX_SHEETS: integer(1, 10_000).default(DEFAULT_IMPORT_LIMITS.sheets),
  IMPORT_MAX_ROWS: integer(10, 1_048_576).default(DEFAULT_IMPORT_LIMITS.rows),
  IMPORT_MAX_COLUMNS: integer(10, 16_384).default(DEFAULT_IMPORT_LIMITS.columns),
  IMPORT_MAX_CELLS: integer(100, 100_000_000).default(DEFAULT_IMPORT_LIMITS.cells),
  IMPORT_READ_MEMORY_MB: integer(64, 65_536).default(DEFAULT_IMPORT_LIMITS.readMemoryMb),
  IMPORT_READ_TIMEOUT_MS: integer(100, 3_600_000).default(DEFAULT_IMPORT_LIMITS.readTimeoutMs),
  // Faults: how long a request may wait on the database and on its client (0 = no bound); jobs run unbounded.
  DATABASE_STATEMENT_TIMEOUT_MS: integer(0, 3_600_000).default(5_000),
  DATABASE_LOCK_TIMEOUT_MS: integer(0, 3_600_000).default(2_000),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: integer(0, 3_600_000).default(30_000),
  DATABASE_POOL_WAIT_MS: integer(0, 600_000).default(2_000),
  HTTP_REQUEST_TIMEOUT_MS: integer(0, 3_600_000).default(120_000),
  HTTP_HANDLER_TIMEOUT_MS: integer(0, 3_600_000).default(30_000),
})
  .refine((e) => e.PROGRESS_AT_RISK < e.PROGRESS_OFF_TRACK, {
    path: ['PROGRESS_OFF_TRACK'],
    message: 'must be more than PROGRESS_AT_RISK',
  })
  .superRefine((e, context) => {
    // SSO is all or nothing: half a configuration would accept no one, or worse.
    const oidc = ['OIDC_ISSUER', 'OIDC_AUDIENCE', 'OIDC_JWKS_URL', 'OIDC_GRANTS'] as const;
    if (oidc.some((key) => e[key] !== undefined)) {
      for (const key of oidc.filter((k) => e[k] === undefined)) {
        context.addIssue({ code: 'custom', path: [key], message: `must be set when any of ${oidc.join(', ')} is` });
      }
    }
  });

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
  /** The largest file POST /imports accepts; larger ones are refused with 413 while they stream in. */
  importMaxBytes: number;
  /** Caps on reading an imported file; over one, the file is refused naming the cap's setting. */
  importLimits: ImportLimits;
  /** Rendered sheets each API process keeps in memory for GET (least recently read dropped first); 0 = none. */
  sheetCacheEntries: number;
  /** How often an API process asks which sheets other writers changed: the delay before it sees their writes. */
  sheetCachePollMs: number;
  /** How far behind pace (a fraction) makes an indicator at risk, and off track. */
  progressThresholds: { atRisk: number; offTrack: number };
  /** SSO: bearer JWTs from this issuer for this audience, their groups claim mapped to grants. */
  oidc?: OidcConfig;
  /** Requests per token (not the bootstrap admin) within a window, counted across all API processes. */
  rateLimit: { max: number; windowMs: number };
  /** Browser origins allowed to call the API; none = CORS off. */
  corsOrigins: string[];
  /** Reminders: channels, policy overrides, closed days and delivery retries. */
  reminders: ReminderSettings;
  /** How long a token lasts when its issuer names no expiry. */
  tokenDefaultExpiry: TokenExpiry;
  /** Issued tokens each API process keeps once found working; 0 = every request reads the table. */
  tokenCacheEntries: number;
  /** How often the token cache's listener asks which kept tokens are revoked, and so proves it is alive. */
  tokenCachePollMs: number;
  /** Failed authentications per client address within a window, across all API processes; past it, 429 before any lookup. */
  authFailureLimit: { max: number; windowMs: number };
  /** Reverse proxies whose X-Forwarded-For names the client; none = the peer's address is the client. */
  trustedProxies: string[];
  /** Bounds on the database while serving (0 = none): past them a request answers 503 with Retry-After. */
  databaseTimeouts: { statementMs: number; lockMs: number; idleInTransactionMs: number; poolWaitMs: number };
  /** Receiving a whole request (and a silent socket), and answering it, in ms; 0 = no bound. */
  http: { requestTimeoutMs: number; handlerTimeoutMs: number };
}

export interface OidcConfig {
  issuer: string;
  audience: string;
  jwksUrl: string;
  groupsClaim: string;
  nameClaim: string;
  grants: Record<string, Grant[]>;
}

export interface ReminderSettings {
  /** Mail goes out over SMTP when set; otherwise the log channel stands in for email. */
  smtpUrl?: string;
  smtpFrom: string;
  /** Signs webhook bodies (X-Shinchoku-Signature); webhook deliveries fail without it. */
  webhookSecret?: string;
  /** Where people open a sheet: links in reminders are PUBLIC_BASE_URL/api/v1/sheets/{id}. */
  publicBaseUrl: string;
  policy: PolicyOverrides;
  /** The municipality's own closed days (閉庁日). */
  closedDays: string[];
  /** Sends tried per reminder before it is marked failed, with exponential backoff from backoffMs. */
  attempts: number;
  backoffMs: number;
  /** How often the reconciler enqueues new rows and re-enqueues due ones. */
  reconcileMs: number;
  /** Where webhooks may go: https: to public addresses, http: with WEBHOOK_ALLOW_HTTP, named internal hosts with WEBHOOK_ALLOWED_HOSTS. */
  webhooks: WebhookRules;
  /** Without SMTP_URL, e-mail reminders go to the log; false with NODE_ENV=production, where they fail instead. */
  mailToLog: boolean;
}

/** Values that may carry credentials are never echoed back. */
const SECRET_KEYS = new Set(['DATABASE_URL', 'REDIS_URL', 'ADMIN_TOKEN', 'SMTP_URL', 'WEBHOOK_SECRET']);

export class ConfigError extends StartupError {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and checks the whole configuration at once, reporting every problem, not just the first. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankAsUnset = Object.fromEntries(
    Object.keys(environment.shape).map((key) => [key, env[key]?.trim() === '' ? undefined : env[key]]),
  );
  const parsed = environment.safeParse(blankAsUnset);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0]);
        const shown = SECRET_KEYS.has(key) ? '(value hidden)' : JSON.stringify(env[key]);
        // A path into a JSON setting helps; an index into a list whose value is shown does not.
        const nested = issue.path.slice(1);
        const inside = nested.every((segment) => typeof segment === 'number') ? '' : nested.join('.');
        return `${key}=${shown}: ${inside ? `${inside} ` : ''}${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
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
    importMaxBytes: e.IMPORT_MAX_BYTES,
    importLimits: {
      unzippedBytes: e.IMPORT_MAX_UNZIPPED_BYTES,
      sheets: e.IMPORT_MAX_SHEETS,
      rows: e.IMPORT_MAX_ROWS,
      columns: e.IMPORT_MAX_COLUMNS,
      cells: e.IMPORT_MAX_CELLS,
      readMemoryMb: e.IMPORT_READ_MEMORY_MB,
      readTimeoutMs: e.IMPORT_READ_TIMEOUT_MS,
    },
    sheetCacheEntries: e.SHEET_CACHE_ENTRIES,
    sheetCachePollMs: e.SHEET_CACHE_POLL_MS,
    progressThresholds: { atRisk: e.PROGRESS_AT_RISK, offTrack: e.PROGRESS_OFF_TRACK },
    ...(e.OIDC_ISSUER !== undefined && {
      oidc: {
        issuer: e.OIDC_ISSUER,
        audience: e.OIDC_AUDIENCE!,
        jwksUrl: e.OIDC_JWKS_URL!,
        groupsClaim: e.OIDC_GROUPS_CLAIM,
        nameClaim: e.OIDC_NAME_CLAIM,
        grants: e.OIDC_GRANTS!,
      },
    }),
    rateLimit: { max: e.RATE_LIMIT_MAX, windowMs: e.RATE_LIMIT_WINDOW_S * 1000 },
    corsOrigins: e.CORS_ORIGINS ?? [],
    reminders: {
      ...(e.SMTP_URL !== undefined && { smtpUrl: e.SMTP_URL }),
      smtpFrom: e.SMTP_FROM,
      ...(e.WEBHOOK_SECRET !== undefined && { webhookSecret: e.WEBHOOK_SECRET }),
      publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
      policy: e.REMINDER_POLICY ?? {},
      closedDays: e.REMINDER_CLOSED_DAYS ?? [],
      attempts: e.REMINDER_ATTEMPTS,
      backoffMs: e.REMINDER_BACKOFF_MS,
      reconcileMs: e.REMINDER_RECONCILE_MS,
      webhooks: { allowHttp: e.WEBHOOK_ALLOW_HTTP, allowedHosts: e.WEBHOOK_ALLOWED_HOSTS ?? [] },
      mailToLog: e.NODE_ENV !== 'production',
    },
    tokenDefaultExpiry: e.TOKEN_DEFAULT_EXPIRY,
    tokenCacheEntries: e.TOKEN_CACHE_ENTRIES,
    tokenCachePollMs: e.TOKEN_CACHE_POLL_MS,
    authFailureLimit: { max: e.AUTH_FAILURES_MAX, windowMs: e.AUTH_FAILURES_WINDOW_S * 1000 },
    trustedProxies: e.TRUSTED_PROXIES ?? [],
    databaseTimeouts: {
      statementMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      lockMs: e.DATABASE_LOCK_TIMEOUT_MS,
      idleInTransactionMs: e.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      poolWaitMs: e.DATABASE_POOL_WAIT_MS,
    },
    http: { requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS, handlerTimeoutMs: e.HTTP_HANDLER_TIMEOUT_MS },
  };
}
