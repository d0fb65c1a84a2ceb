import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '@shinchoku/system';
import { problemsOf } from './support/config';

describe('configuration', () => {
  it('runs embedded with no settings at all', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 3000,
      logLevel: 'info',
      dataDir: resolve('.shinchoku'),
      embeddedPostgresPort: 54329,
      queuePrefix: 'shinchoku',
      databasePoolSize: 10,
      processorBatchSize: 500,
      processorPollMs: 500,
      importMaxBytes: 20 * 1024 * 1024,
      importLimits: {
        unzippedBytes: 64 * 1024 * 1024,
        sheets: 200,
        rows: 5000,
        columns: 100,
        cells: 200_000,
        readMemoryMb: 256,
        readTimeoutMs: 20_000,
      },
      sheetCacheEntries: 1000,
      sheetCachePollMs: 100,
      tokenCacheEntries: 10_000,
      tokenCachePollMs: 1_000,
      progressThresholds: { atRisk: 0.15, offTrack: 0.35 },
      rateLimit: { max: 600, windowMs: 60_000 },
      corsOrigins: [],
      reminders: {
        smtpFrom: 'shinchoku <shinchoku@localhost>',
        publicBaseUrl: 'http://127.0.0.1:3000',
        policy: {},
        closedDays: [],
        attempts: 8,
        backoffMs: 30_000,
        reconcileMs: 60_000,
        webhooks: { allowHttp: false, allowedHosts: [] },
        mailToLog: true,
      },
      tokenDefaultExpiry: 'fiscal-year-end',
      authFailureLimit: { max: 100, windowMs: 60_000 },
      trustedProxies: [],
      databaseTimeouts: { statementMs: 5_000, lockMs: 2_000, idleInTransactionMs: 30_000, poolWaitMs: 2_000 },
      http: { requestTimeoutMs: 120_000, handlerTimeoutMs: 30_000 },
    });
  });

  it('reads the outbound rules: webhook hosts an operator allows, http:, and production without mail to the log', () => {
    const config = loadConfig({
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_HOSTS: 'hooks.internal, 10.0.0.5:8080,[::1]:9000,Chat.City.LOCAL.',
      NODE_ENV: 'production',
    });
    expect(config.reminders).toMatchObject({
      webhooks: {
        allowHttp: true,
        allowedHosts: [
          { host: 'hooks.internal' },
          { host: '10.0.0.5', port: 8080 },
          { host: '[::1]', port: 9000 },
          { host: 'chat.city.local' },
        ],
      },
      mailToLog: false,
    });
    expect(loadConfig({ NODE_ENV: 'development' }).reminders.mailToLog).toBe(true);
  });

  it('reads the bounds on waiting, where 0 lifts one, and refuses what is not a duration', () => {
    const config = loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '0', DATABASE_LOCK_TIMEOUT_MS: '500', HTTP_HANDLER_TIMEOUT_MS: '10000' });
    expect(config.databaseTimeouts).toMatchObject({ statementMs: 0, lockMs: 500 });
    expect(config.http.handlerTimeoutMs).toBe(10_000);
    expect(problemsOf({ DATABASE_POOL_WAIT_MS: '-1', HTTP_REQUEST_TIMEOUT_MS: '2s' })).toEqual([
      'DATABASE_POOL_WAIT_MS="-1": must be a whole number from 0 to 600000',
      'HTTP_REQUEST_TIMEOUT_MS="2s": must be a whole number from 0 to 3600000',
    ]);
  });

  it('reads the reminder settings', () => {
    const config = loadConfig({
      SMTP_URL: 'smtp://mailpit:1025',
      SMTP_FROM: '進捗 <noreply@city.example.jp>',
      WEBHOOK_SECRET: 'a-secret-of-16-or-more',
      PUBLIC_BASE_URL: 'https://shinchoku.city.example.jp/',
      REMINDER_POLICY: '{"departments":{"西区":{"evaluation":{"businessDaysBefore":[10,5]}}},"sheets":{"s-1":{"sendTime":"08:30"}}}',
      REMINDER_CLOSED_DAYS: '2025-06-02, 2025-11-04',
    });
    expect(config.reminders).toMatchObject({
      smtpUrl: 'smtp://mailpit:1025',
      smtpFrom: '進捗 <noreply@city.example.jp>',
      webhookSecret: 'a-secret-of-16-or-more',
      publicBaseUrl: 'https://shinchoku.city.example.jp',
      policy: { departments: { 西区: { evaluation: { businessDaysBefore: [10, 5] } } }, sheets: { 's-1': { sendTime: '08:30' } } },
      closedDays: ['2025-06-02', '2025-11-04'],
    });
  });

  it('switches to real servers with DATABASE_URL and REDIS_URL', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://app:secret@db.example:5432/shinchoku',
      REDIS_URL: 'redis://cache.example:6379',
      PORT: '8080',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://app:secret@db.example:5432/shinchoku',
      redisUrl: 'redis://cache.example:6379',
      port: 8080,
      logLevel: 'debug',
    });
  });

  it('reads the caps on imported files', () => {
    expect(
      loadConfig({ IMPORT_MAX_UNZIPPED_BYTES: String(8 * 1024 * 1024), IMPORT_MAX_SHEETS: '20', IMPORT_MAX_CELLS: '5000' }).importLimits,
    ).toMatchObject({
      unzippedBytes: 8 * 1024 * 1024,
      sheets: 20,
      cells: 5000,
      rows: 5000,
    });
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '  ', PORT: '' })).toMatchObject({ port: 3000 });
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT="abc": must be a whole number from 0 to 65535'],
    [{ PORT: '70000' }, 'PORT="70000": must be a whole number from 0 to 65535'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL="loud": Invalid option'],
    [{ QUEUE_PREFIX: 'Bad-Prefix' }, 'QUEUE_PREFIX="Bad-Prefix": must be lower-case letters'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL=(value hidden): must be a URL starting with postgres:// or postgresql://'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL=(value hidden): must be a URL starting with redis:// or rediss://'],
    [{ PROGRESS_AT_RISK: '0.5', PROGRESS_OFF_TRACK: '0.4' }, 'PROGRESS_OFF_TRACK="0.4": must be more than PROGRESS_AT_RISK'],
    [{ SHEET_CACHE_ENTRIES: '-1' }, 'SHEET_CACHE_ENTRIES="-1": must be a whole number from 0 to 1000000'],
    [{ PROGRESS_AT_RISK: 'high' }, 'PROGRESS_AT_RISK="high": must be a fraction such as 0.15'],
    [{ SMTP_URL: 'mail.example.jp' }, 'SMTP_URL=(value hidden): must be a URL starting with smtp:// or smtps://'],
    [{ WEBHOOK_SECRET: 'short' }, 'WEBHOOK_SECRET=(value hidden): must be at least 16 characters'],
    [{ REMINDER_POLICY: '{nope' }, 'REMINDER_POLICY="{nope": must be JSON'],
    [
      { REMINDER_POLICY: '{"departments":{"西区":{"evaluation":{"roles":["部長"]}}}}' },
      "departments.西区.evaluation.roles.0 must be '担当', '課長' or 'coordinator'",
    ],
    [{ REMINDER_CLOSED_DAYS: '2025-06-31' }, 'REMINDER_CLOSED_DAYS="2025-06-31": must be dates as YYYY-MM-DD'],
    [{ WEBHOOK_ALLOW_HTTP: 'yes' }, `WEBHOOK_ALLOW_HTTP="yes": must be 'true' or 'false'`],
    [
      { WEBHOOK_ALLOWED_HOSTS: 'ok.example.jp, https://x.example.jp/path' },
      'https://x.example.jp/path: must be a host name or address, optionally with :port',
    ],
    [{ WEBHOOK_ALLOWED_HOSTS: 'x.example.jp:99999' }, 'x.example.jp:99999: the port must be 1 to 65535'],
    [{ IMPORT_MAX_ROWS: '0' }, 'IMPORT_MAX_ROWS="0": must be a whole number from 10 to 1048576'],
    [{ IMPORT_READ_MEMORY_MB: '8' }, 'IMPORT_READ_MEMORY_MB="8": must be a whole number from 64 to 65536'],
    [{ TOKEN_CACHE_ENTRIES: '-1' }, 'TOKEN_CACHE_ENTRIES="-1": must be a whole number from 0 to 1000000'],
    [{ TOKEN_CACHE_POLL_MS: '50' }, 'TOKEN_CACHE_POLL_MS="50": must be a whole number from 100 to 60000'],
  ])('explains %j', (env, expected) => {
    expect(problemsOf(env)).toEqual([expect.stringContaining(expected)]);
  });

  it('reports every problem at once and never echoes credentials', () => {
    const problems = problemsOf({ PORT: '-1', DATABASE_URL: 'http://user:hunter2@db', DATABASE_POOL_SIZE: '1' });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('docker compose ships no default secret: each must be given', () => {
    const compose = readFileSync(resolve(__dirname, '../docker-compose.yml'), 'utf8');
    for (const secret of ['ADMIN_TOKEN', 'WEBHOOK_SECRET']) {
      expect(compose).toMatch(new RegExp(`^\\s+${secret}: \\$\\{${secret}:\\?[^}]+\\}\\s*$`, 'm'));
    }
  });
});
