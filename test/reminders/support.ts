/**
 * Real servers for reminder tests: an SMTP server (smtp-server) that can refuse, a webhook receiver
 * that checks signatures, a Redis of the test's own (so FLUSHALL touches nobody else), and the
 * reminder machinery over a test database on either queue backend.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { ReminderSettings } from '@shinchoku/config';
import { EventStore } from '@shinchoku/event-store';
import { ProcessorRunner } from '@shinchoku/processors';
import { QueueFactory, type QueueConnection } from '@shinchoku/queue';
import { planningRules, reminderPlanner, ReminderWorkers } from '@shinchoku/reminders';
import { Contacts } from '@shinchoku/reminders/application/contacts';
import { signatureOf, SIGNATURE_HEADER } from '@shinchoku/reminders/application/channels';
import { SheetCommands } from '@shinchoku/sheets';
import { DEFAULT_PROGRESS_THRESHOLDS } from '@shinchoku/sheets/domain/progress';
import { TestClock } from '../support/api';
import { freePort } from '../support/app-process';
import { createTestDatabase, TestDatabase, uniquePrefix } from '../support/test-database';

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
  received: Array<{ body: any; signed: boolean }>;
  /** Answer 500 to everything from now on. */
  failing: boolean;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = { url: '', received: [], failing: false, close: async () => undefined };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const given = Buffer.from(String(request.headers[SIGNATURE_HEADER] ?? ''));
      const expected = Buffer.from(signatureOf(secret, raw));
      const signed = given.length === expected.length && timingSafeEqual(given, expected);
      if (receiver.failing) {
        response.writeHead(500).end();
        return;
      }
      receiver.received.push({ body: JSON.parse(raw), signed });
      response.writeHead(signed ? 204 : 401).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${port}/hooks/shinchoku`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}

export interface OwnRedis {
  url: string;
  flushAll(): Promise<void>;
  close(): Promise<void>;
}

/** A redis-server of this test alone: FLUSHALL on the shared one would wipe other runs' queues. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 50, lazyConnect: true });
  client.on('error', () => undefined);
  await until(async () => (await client.ping().catch(() => '')) === 'PONG', 'own redis-server answering');
  return {
    url,
    flushAll: async () => void (await client.flushall()),
    async close() {
      client.disconnect();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
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
    return { kind, connection: { kind, url: redis.url, prefix: uniquePrefix() }, flush: redis.flushAll, close: redis.close };
  }
  const schema = uniquePrefix();
  return {
    kind,
    connection: { kind, url: database.url, schema },
    flush: async () => void (await sql`TRUNCATE ${sql.id(schema, 'job')}, ${sql.id(schema, 'scheduler')} CASCADE`.execute(database.db)),
    close: async () => undefined,
  };
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

export async function startHarness(database: TestDatabase, connection: QueueConnection, overrides: Partial<ReminderSettings>): Promise<Harness> {
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
    ...overrides,
  };
  const rules = planningRules(settings);
  const planner = reminderPlanner(rules, clock);
  const runner = new ProcessorRunner(database.db, store, [planner], { batchSize: 500, pollIntervalMs: 20 });
  const started: Array<{ workers: ReminderWorkers; queues: QueueFactory }> = [];
  const silent = { log() {}, warn() {}, error() {} };
  return {
    database,
    store,
    clock,
    commands: new SheetCommands(database.db, store, clock, DEFAULT_PROGRESS_THRESHOLDS),
    contacts: new Contacts(database.db, rules, clock),
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
        logger: silent,
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
