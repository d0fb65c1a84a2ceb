import type { LookupAddress } from 'node:dns';
import type { ReminderSettings } from '@shinchoku/reminders';
import type { ReminderWorkerDeps } from '@shinchoku/reminders/application/reminder-workers';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import {
  Backend,
  createSheet,
  DUE,
  Harness,
  ONE_REMINDER,
  SHEET_ID,
  SmtpCatcher,
  startBackend,
  startHarness,
  startSmtp,
  startWebhookReceiver,
  until,
  WebhookReceiver,
  WEBHOOK_SECRET,
} from './support';

/** What leaves shinchoku: where webhooks may go, what receivers can deduplicate on, and what the log may hold. */
describe('outbound reminders', () => {
  let database: TestDatabase;
  let backend: Backend;
  let webhook: WebhookReceiver;
  let smtp: SmtpCatcher;
  let h: Harness;

  beforeEach(async () => {
    database = await createTestDatabase(20);
    backend = await startBackend('postgres', database);
    webhook = await startWebhookReceiver(WEBHOOK_SECRET);
    smtp = await startSmtp();
  });

  afterEach(async () => {
    await h?.close();
    await webhook.close();
    await smtp.close();
    await backend.close();
    await database.close();
  });

  /** The sheet, its reminders' policy, and the clock at the moment they fall due. */
  const setUp = async (settings: Partial<ReminderSettings>, deps: Partial<Pick<ReminderWorkerDeps, 'logger' | 'resolve'>> = {}) => {
    h = await startHarness(
      database,
      backend.connection,
      { policy: { sheets: { [SHEET_ID]: ONE_REMINDER } }, attempts: 1, ...settings },
      deps,
    );
    await createSheet(h);
    h.clock.set(DUE);
  };
  const rows = () => database.db.selectFrom('reminders').selectAll().orderBy('plan_key').execute();
  /** A contact as saved before the rules of today: straight into the table, as a migration would have left it. */
  const savedEarlier = async (name: string, webhookUrl: string) => {
    const now = new Date();
    await database.db
      .insertInto('contacts')
      .values({
        contact_id: crypto.randomUUID(),
        department: '西区',
        unit: '地域課',
        name,
        role: '担当',
        email: null,
        webhook_url: webhookUrl,
        created_at: now,
        updated_at: now,
      })
      .execute();
  };
  const deliverAll = async () => {
    await h.plan();
    const workers = await h.workers(false);
    const outcomes = [];
    for (const row of await rows()) outcomes.push(await workers.delivery.deliver(row.reminder_id));
    return outcomes;
  };

  describe('webhooks to addresses inside the network', () => {
    const port = () => new URL(webhook.url).port;
    it.each([
      ['the loopback address', () => webhook.url],
      ['localhost', () => `http://localhost:${port()}/hooks`],
      ['IPv6 loopback', () => `http://[::1]:${port()}/hooks`],
      ['loopback as one hex number', () => `http://0x7f000001:${port()}/hooks`],
      ['loopback in octal', () => `http://0177.0.0.1:${port()}/hooks`],
      ['loopback as IPv4-mapped IPv6', () => `http://[::ffff:127.0.0.1]:${port()}/hooks`],
      ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
    ])('are refused at delivery (%s), failed at once with the reason, nothing sent', async (_what, url) => {
      await setUp({ webhookSecret: WEBHOOK_SECRET, webhooks: { allowHttp: true, allowedHosts: [] }, attempts: 3 });
      await savedEarlier('担当者1', url());
      expect(await deliverAll()).toEqual(['failed']);
      const [row] = await rows();
      expect(row).toMatchObject({ status: 'failed', attempts: 1, delivered_at: null });
      expect(row!.reason).toMatch(/^webhook URL refused: .*(not a public address|local host name)/);
      expect(webhook.received).toEqual([]);
    });

    it('checks every address the host name has at the moment of sending, and connects only to what it checked', async () => {
      const asked: string[] = [];
      // DNS as it might answer on the day: one name moved inside, another half inside.
      const dns: Record<string, LookupAddress[]> = {
        'hooks.example.jp': [{ address: '127.0.0.1', family: 4 }],
        'mixed.example.jp': [
          { address: '8.8.8.8', family: 4 },
          { address: '10.0.0.7', family: 4 },
        ],
        'allowed.example.jp': [{ address: '127.0.0.1', family: 4 }],
      };
      const resolve = async (name: string) => (asked.push(name), dns[name] ?? []);
      await setUp(
        {
          webhookSecret: WEBHOOK_SECRET,
          webhooks: { allowHttp: true, allowedHosts: [{ host: 'allowed.example.jp', port: Number(port()) }] },
        },
        { resolve },
      );
      await h.contacts.create({
        department: '西区',
        unit: '地域課',
        name: '担当者1',
        role: '担当',
        webhookUrl: `http://hooks.example.jp:${port()}/hooks`,
      });
      await h.contacts.create({
        department: '西区',
        unit: '地域課',
        name: '担当者2',
        role: '担当',
        webhookUrl: `http://mixed.example.jp:${port()}/hooks`,
      });
      await h.contacts.create({
        department: '西区',
        unit: '地域課',
        name: '担当者3',
        role: '担当',
        webhookUrl: `http://allowed.example.jp:${port()}/hooks`,
      });
      await deliverAll();
      const byHost = Object.fromEntries(
        (await rows()).map((r) => [new URL((r.recipient as { address: string }).address).hostname, [r.status, r.reason]]),
      );
      expect(byHost).toEqual({
        'hooks.example.jp': ['failed', 'webhook URL refused: hooks.example.jp resolves to an address that is not public'],
        'mixed.example.jp': ['failed', 'webhook URL refused: mixed.example.jp resolves to an address that is not public'],
        // Allowed by name, it went to the address our lookup gave the socket (there is no such name in real DNS).
        'allowed.example.jp': ['sent', null],
      });
      expect(webhook.received.map((r) => r.body.recipientName)).toEqual(['担当者3']);
      expect(asked.sort()).toEqual(['allowed.example.jp', 'hooks.example.jp', 'mixed.example.jp']);
    });
  });

  it('follows no redirect, and shows only the status, never what the receiver said', async () => {
    const target = await startWebhookReceiver(WEBHOOK_SECRET);
    try {
      await setUp({
        webhookSecret: WEBHOOK_SECRET,
        webhooks: { allowHttp: true, allowedHosts: [...webhook.rules.allowedHosts, ...target.rules.allowedHosts] },
      });
      await h.contacts.create({ department: '西区', unit: '地域課', name: '担当者1', role: '担当', webhookUrl: webhook.url });
      await h.plan();
      const workers = await h.workers(false);
      const [row] = await rows();

      webhook.answer = { status: 307, headers: { location: target.url } };
      expect(await workers.delivery.deliver(row!.reminder_id)).toBe('failed');
      expect((await rows())[0]).toMatchObject({
        status: 'failed',
        reason: 'webhook answered 307 Temporary Redirect; redirects are not followed',
      });
      expect(target.received).toEqual([]);

      await database.db.updateTable('reminders').set({ status: 'planned', reason: null, finished_at: null, attempts: 0 }).execute();
      webhook.answer = { status: 500, reason: 'db password is hunter2', body: 'Traceback: 10.0.0.5 refused' };
      expect(await workers.delivery.deliver(row!.reminder_id)).toBe('failed');
      expect((await rows())[0]).toMatchObject({ status: 'failed', reason: 'webhook answered 500 Internal Server Error' });
    } finally {
      await target.close();
    }
  });

  it('gives every attempt at one reminder the same idempotency key: webhook header and signed body, e-mail Message-ID', async () => {
    await setUp({ smtpUrl: smtp.url, webhookSecret: WEBHOOK_SECRET, webhooks: webhook.rules });
    await h.contacts.create({ department: '西区', unit: '地域課', name: '担当者1', role: '担当', webhookUrl: webhook.url });
    await h.contacts.create({ department: '西区', unit: '地域課', name: '担当者2', role: '担当', email: 'tanto2@example.jp' });
    expect(await deliverAll()).toEqual(['sent', 'sent']);
    // As if each sender had died after the receiver took it and before the row said so: sent again.
    await database.db.updateTable('reminders').set({ status: 'planned', delivered_at: null, finished_at: null }).execute();
    expect(await deliverAll()).toEqual(['sent', 'sent']);

    const byChannel = Object.fromEntries((await rows()).map((r) => [r.channel, r.reminder_id]));
    expect(webhook.received.map((r) => [r.headers['idempotency-key'], r.body.idempotencyKey, r.signed])).toEqual([
      [byChannel.webhook, byChannel.webhook, true],
      [byChannel.webhook, byChannel.webhook, true],
    ]);
    expect(smtp.messages.map((m) => m.messageId)).toEqual([`<${byChannel.email}@shinchoku>`, `<${byChannel.email}@shinchoku>`]);
  });

  describe('the log', () => {
    const captured: string[] = [];
    const logger = { log: (m: string) => captured.push(m), warn: (m: string) => captured.push(m), error: (m: string) => captured.push(m) };
    beforeEach(() => void captured.splice(0));

    it('in production without an SMTP server: e-mail reminders fail visibly, and no name or address reaches the log', async () => {
      await setUp({ mailToLog: false, attempts: 2, backoffMs: 100 }, { logger });
      for (const i of [1, 2])
        await h.contacts.create({ department: '西区', unit: '地域課', name: `担当者${i}`, role: '担当', email: `tanto${i}@example.jp` });
      await h.plan();
      const workers = await h.workers();
      await workers.reconciler.run();
      await until(async () => (await rows()).every((r) => r.status === 'failed'), 'both reminders to fail');
      expect((await rows()).map((r) => [r.channel, r.attempts, r.reason])).toEqual(
        Array(2).fill([
          'email',
          2,
          'SMTP_URL is not set, so e-mail cannot be sent (with NODE_ENV=production reminders never go to the log)',
        ]),
      );
      const log = captured.join('\n');
      expect(log).toContain('SMTP_URL is not set: e-mail reminders fail');
      for (const personal of ['担当者', 'tanto', '@example.jp']) expect(log).not.toContain(personal);
    });

    it('otherwise says at start that e-mail reminders go to the log', async () => {
      await setUp({}, { logger });
      await h.workers();
      expect(captured).toContain(
        'SMTP_URL is not set: e-mail reminders are written to this log, with names, addresses and messages (for trying shinchoku out; set SMTP_URL to send mail)',
      );
    });
  });
});
