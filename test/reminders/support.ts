/**
 * Real servers for reminder tests: an SMTP server (smtp-server) that can refuse, a webhook receiver
 * that checks signatures, a Redis of the test's own (so FLUSHALL touches nobody else), and the
 * reminder machinery over a test database on either queue backend.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { ReminderSettings } from '@shinchoku/reminders';
import { EventStore } from '@shinchoku/event-store';
import { ProcessorRunner } from '@shinchoku/processors';
import { QueueFactory, type QueueConnection } from '@shinchoku/queue';
import { planningRules, reminderPlanner, ReminderWorkers } from '@shinchoku/reminders';
import { Contacts } from '@shinchoku/reminders/application/contacts';
import { signatureOf, SIGNATURE_HEADER } from '@shinchoku/reminders/application/channels';
import type { ReminderWorkerDeps } from '@shinchoku/reminders/application/reminder-workers';
import type { WebhookRules } from '@shinchoku/reminders/domain/webhook-address';
import { SheetCommands } from '@shinchoku/sheets';
import { DEFAULT_PROGRESS_THRESHOLDS } from '@shinchoku/sheets/domain/progress';
import { Json, TestClock } from '../support/api';
import { freePort } from '../support/app-process';
import { TestDatabase, uniquePrefix } from '../support/test-database';

export interface SmtpCatcher {
  url: string;
  messages: ParsedMail[];
  /** Refuse the next n messages with a temporary error (451). */
  refuse(n: number): void;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<SmtpCatcher> {
  const messages: ParsedMail[] = [];
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          if (refusals > 0) {
            refusals -= 1;
            return callback(Object.assign(new Error('mailbox busy, try again later'), { responseCode: 451 }));
          }
          messages.push(mail);
          return callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    refuse: (n) => (refusals = n),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface WebhookReceiver {
  url: string;
  received: Array<{ body: Json; signed: boolean; headers: IncomingHttpHeaders }>;
  /** Answer this to everything from now on (and record nothing), instead of 204 to a signed body. */
  answer?: { status: number; reason?: string; headers?: Record<string, string>; body?: string };
  /** The rules that let deliveries reach this receiver: http: to its host and port. */
  rules: WebhookRules;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = { url: '', received: [], rules: { allowHttp: true, allowedHosts: [] }, close: async () => undefined };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const given = Buffer.from(String(request.headers[SIGNATURE_HEADER] ?? ''));
      const expected = Buffer.from(signatureOf(secret, raw));
      const signed = given.length === expected.length && timingSafeEqual(given, expected);
      if (receiver.answer) {
        const { status, reason, headers, body } = receiver.answer;
        if (reason) response.writeHead(status, reason, headers).end(body);
        else response.writeHead(status, headers).end(body);
        return;
      }
      receiver.received.push({ body: JSON.parse(raw) as unknown, signed, headers: request.headers });
      response.writeHead(signed ? 204 : 401).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${port}/hooks/shinchoku`;
  receiver.rules = { allowHttp: true, allowedHosts: [{ host: '127.0.0.1', port }] };
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}

export interface OwnRedis {
  url: string;
  flushAll(): Promise<void>;
  /** Stops the server; it comes back empty on the same port with start() (each a no-op when already so). */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A redis-server of this test alone: FLUSHALL on the shared one would wipe other runs' queues. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 50, lazyConnect: true });
  client.on('error', () => undefined);
  const redis: OwnRedis = {
    url,
    async start() {
      if (child && child.exitCode === null) return;
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: 'ignore',
      });
      await until(async () => (await client.ping().catch(() => '')) === 'PONG', 'own redis-server answering');
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
    flushAll: async () => void (await client.flushall()),
    async close() {
      client.disconnect();
      await redis.stop();
    },
  };
  await redis.start();
  return redis;
}

/** Polls until the condition holds; fails with what it waited for after `ms` (a guard, not a timing assertion). */
export async function until(condition: () => Promise<boolean> | boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

export interface Backend {
  kind: 'redis' | 'postgres';
  connection: QueueConnection;
  /** Loses every job the backend holds, as a flushed or rebuilt Redis would. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function startBackend(kind: 'redis' | 'postgres', database: TestDatabase): Promise<Backend> {
  if (kind === 'redis') {
    const redis = await startOwnRedis();
    return {
      kind,
      connection: { kind, url: redis.url, prefix: uniquePrefix() },
      flush: () => redis.flushAll(),
      close: () => redis.close(),
    };
  }
  const schema = uniquePrefix();
  return {
    kind,
    connection: { kind, url: database.url, schema },
    flush: async () => void (await sql`TRUNCATE ${sql.id(schema, 'job')}, ${sql.id(schema, 'scheduler')} CASCADE`.execute(database.db)),
    close: async () => undefined,
  };
}

/** One reminder per contact: the business day before the 評価日 (2025-05-07 → Fri 2025-05-02, 09:00 JST). */
export const ONE_REMINDER = { evaluation: { businessDaysBefore: [1] }, progress: { businessDaysBefore: [] }, overdue: { businessDays: 0 } };
export const DUE = '2025-05-02T09:00:00+09:00';
export const SHEET_ID = '6b0b3c1e-1f7a-4c55-9d3e-6f1e2b3c4d5e';

/** The sheet SHEET_ID of 西区 地域課, one goal open, 評価日 2025-05-07: with ONE_REMINDER, each contact of the unit gets one reminder, due at DUE. */
export async function createSheet(h: Pick<Harness, 'commands'>): Promise<void> {
  const actor = { actor: { id: 'tester', name: 'テスト' }, source: 'test' };
  await h.commands.run(SHEET_ID, { type: 'CreateSheet', sheetId: SHEET_ID, fiscalYear: 2024, department: '西区', unit: '地域課' }, actor);
  await h.commands.run(
    SHEET_ID,
    { type: 'AddGoal', goalId: 'f0000000-0000-4000-8000-000000000001', text: '西区の魅力を発信します。' },
    actor,
  );
  await h.commands.run(SHEET_ID, { type: 'SetEvaluationDate', date: '2025-05-07' }, actor);
}

export interface Harness {
  database: TestDatabase;
  store: EventStore;
  clock: TestClock;
  commands: SheetCommands;
  contacts: Contacts;
  settings: ReminderSettings;
  /** Runs the planner over the feed until it has seen every event. */
  plan(): Promise<void>;
  /** A reminder side (delivery worker + reconciler) with its own queue connections, as another process would have; started unless told not to. */
  workers(start?: boolean): Promise<ReminderWorkers>;
  close(): Promise<void>;
}

/** `deps`: what the reminder side logs to, and DNS for webhook hosts. */
export async function startHarness(
  database: TestDatabase,
  connection: QueueConnection,
  overrides: Partial<ReminderSettings>,
  deps: Partial<Pick<ReminderWorkerDeps, 'logger' | 'resolve'>> = {},
): Promise<Harness> {
  const store = new EventStore(database.db);
  const clock = new TestClock(new Date('2025-04-01T09:00:00+09:00'));
  const settings: ReminderSettings = {
    smtpFrom: 'shinchoku <shinchoku@example.jp>',
    webhookSecret: WEBHOOK_SECRET,
    publicBaseUrl: 'https://shinchoku.example.jp',
    policy: {},
    closedDays: [],
    attempts: 3,
    backoffMs: 100,
    reconcileMs: 3_600_000,
    webhooks: { allowHttp: false, allowedHosts: [] },
    mailToLog: true,
    ...overrides,
  };
  const rules = planningRules(settings);
  const planner = reminderPlanner(rules, clock);
  const runner = new ProcessorRunner(database.db, store, [planner], { batchSize: 500, pollIntervalMs: 20 });
  const started: Array<{ workers: ReminderWorkers; queues: QueueFactory }> = [];
  const logger = deps.logger ?? { log() {}, warn() {}, error() {} };
  return {
    database,
    store,
    clock,
    commands: new SheetCommands(database.db, store, clock, DEFAULT_PROGRESS_THRESHOLDS),
    contacts: new Contacts(database.db, rules, clock, settings.webhooks),
    settings,
    plan: async () => void (await runner.catchUp(planner)),
    async workers(start = true) {
      const queues = new QueueFactory(connection);
      const workers = new ReminderWorkers({
        db: database.db,
        queues,
        commands: new SheetCommands(database.db, store, clock, DEFAULT_PROGRESS_THRESHOLDS),
        clock,
        settings,
        logger,
        ...(deps.resolve && { resolve: deps.resolve }),
      });
      if (start) await workers.start();
      started.push({ workers, queues });
      return workers;
    },
    async close() {
      for (const { workers, queues } of started.splice(0)) {
        await workers.close();
        await queues.close();
      }
    },
  };
}
