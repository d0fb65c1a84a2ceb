import type { ReminderSentData } from '@shinchoku/sheets/domain/sheet.events';
import { QueueFactory } from '@shinchoku/queue';
import { sheetStream } from '@shinchoku/sheets';
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

describe.each(['redis', 'postgres'] as const)('reminder delivery on %s', (kind) => {
  let database: TestDatabase;
  let backend: Backend;
  let smtp: SmtpCatcher;
  let webhook: WebhookReceiver;
  let h: Harness;

  beforeEach(async () => {
    database = await createTestDatabase(20);
    backend = await startBackend(kind, database);
    smtp = await startSmtp();
    webhook = await startWebhookReceiver(WEBHOOK_SECRET);
    h = await startHarness(database, backend.connection, {
      smtpUrl: smtp.url,
      webhooks: webhook.rules,
      policy: { sheets: { [SHEET_ID]: ONE_REMINDER } },
    });
    await createSheet(h);
  });

  afterEach(async () => {
    await h.close();
    await smtp.close();
    await webhook.close();
    await backend.close();
    await database.close();
  });

  const addContacts = async (n: number, way: 'email' | 'webhook' = 'email') => {
    for (let i = 1; i <= n; i++) {
      await h.contacts.create({
        department: '西区',
        unit: '地域課',
        name: `担当者${i}`,
        role: '担当',
        ...(way === 'email' ? { email: `tanto${i}@example.jp` } : { webhookUrl: webhook.url }),
      });
    }
  };
  const rows = () => database.db.selectFrom('reminders').selectAll().orderBy('plan_key').execute();
  const sentEvents = async () =>
    (await h.store.readStream(sheetStream(SHEET_ID))).filter((e) => e.type === 'ReminderSent').map((e) => e.data as ReminderSentData);
  const allSent = async (n: number) => (await rows()).filter((r) => r.status === 'sent').length === n;

  it('survives losing every queued job between planning and the due time, and sends exactly once', async () => {
    await addContacts(1);
    await h.plan();
    // Started only after the reconciles counted here: starting runs the scheduled reconcile at once,
    // which would race them for the same rows.
    const workers = await h.workers(false);
    expect(await workers.reconciler.run()).toEqual({ withdrawn: 0, enqueued: 1, requeued: 0 });
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'planned', send_on: '2025-05-02', channel: 'email', enqueued: true });

    await backend.flush();
    h.clock.set(DUE);
    expect(await workers.reconciler.run()).toEqual({ withdrawn: 0, enqueued: 0, requeued: 1 });
    await workers.start();
    await until(() => allSent(1), 'the reminder to be sent');

    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]!;
    expect(mail.subject).toBe('【進捗】令和6年度組織目標の評価日 令和7年5月7日（西区 地域課）');
    expect(mail.to).toMatchObject({ value: [{ address: 'tanto1@example.jp', name: '担当者1' }] });
    expect(mail.text).toContain('評価日は令和7年5月7日（2025-05-07）です');
    expect(mail.text).toContain('・目標1「西区の魅力を発信します。」');
    expect(mail.text).toContain(`https://shinchoku.example.jp/api/v1/sheets/${SHEET_ID}`);
    expect(await sentEvents()).toEqual([
      {
        reminderId: row!.reminder_id,
        kind: 'evaluation',
        dueOn: '2025-05-07',
        recipient: { name: '担当者1', role: '担当', address: 'tanto1@example.jp' },
        channel: 'email',
        on: '2025-05-02',
      },
    ]);
    // The stale job, the reconciler and a direct retry all find nothing left to send.
    expect(await workers.reconciler.run()).toEqual({ withdrawn: 0, enqueued: 0, requeued: 0 });
    expect(await workers.delivery.deliver(row!.reminder_id)).toBe('skipped');
    expect(smtp.messages).toHaveLength(1);
  });

  it('an SMTP server that refuses, then accepts, gets the mail once', async () => {
    await addContacts(1);
    await h.plan();
    smtp.refuse(1);
    h.clock.set(DUE);
    const workers = await h.workers();
    await workers.reconciler.run();
    await until(() => allSent(1), 'the reminder to be sent after a refusal');
    expect(smtp.messages).toHaveLength(1);
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'sent', attempts: 2, reason: null });
    expect(await sentEvents()).toHaveLength(1);
  });

  it('a job woken before its time waits again, then sends once', async () => {
    await addContacts(1);
    await h.plan();
    h.clock.set('2025-05-02T08:59:00+09:00');
    const workers = await h.workers();
    await workers.reconciler.run();
    const [row] = await rows();
    const queue = new QueueFactory(backend.connection);
    try {
      const job = (await queue.queue('reminders').getJob(row!.reminder_id))!;
      expect(await job.getState()).toBe('delayed');
      await job.promote(); // as a timer firing early would
      await until(async () => (await queue.queue('reminders').getJob(row!.reminder_id))?.attemptsStarted === 1, 'the early run');
      await until(
        async () => (await (await queue.queue('reminders').getJob(row!.reminder_id))?.getState()) === 'delayed',
        'the job delayed again',
      );
      expect((await rows())[0]).toMatchObject({ status: 'planned', attempts: 0 });
    } finally {
      await queue.close();
    }
    h.clock.set(DUE);
    await workers.reconciler.run();
    await until(() => allSent(1), 'the reminder to be sent');
    expect(smtp.messages).toHaveLength(1);
  });

  it('a reminder the channel already took is only recorded on retry, never sent again', async () => {
    await addContacts(1);
    await h.plan();
    h.clock.set(DUE);
    const [row] = await rows();
    // As if the sender had died after the SMTP server's answer and before recording it.
    await database.db
      .updateTable('reminders')
      .set({ delivered_at: new Date(DUE) })
      .execute();
    const workers = await h.workers(false);
    expect(await workers.delivery.deliver(row!.reminder_id)).toBe('sent');
    expect(smtp.messages).toHaveLength(0);
    expect((await sentEvents()).map((e) => e.reminderId)).toEqual([row!.reminder_id]);
  });

  it('two workers deliver each reminder once', async () => {
    await addContacts(12);
    await h.plan();
    const [first, second] = [await h.workers(false), await h.workers(false)];
    h.clock.set(DUE);
    const ids = (await rows()).map((r) => r.reminder_id);
    expect(ids).toHaveLength(12);
    // Half race head to head, each sent by both workers at the same moment: one sends, the other finds it claimed.
    const raced = await Promise.all(ids.slice(0, 6).map((id) => Promise.all([first.delivery.deliver(id), second.delivery.deliver(id)])));
    expect(raced.map((pair) => [...pair].sort())).toEqual(Array(6).fill(['sent', 'skipped']));
    // The rest through the queue, both reconciling at once (one job per reminder id).
    await Promise.all([first.start(), second.start()]);
    await Promise.all([first.reconciler.run(), second.reconciler.run()]);
    await until(() => allSent(12), 'every reminder to be sent');
    const mailed = smtp.messages.map((m) => m.headers.get('x-shinchoku-reminder-id'));
    expect(mailed.sort()).toEqual([...ids].sort());
    expect((await sentEvents()).map((e) => e.reminderId).sort()).toEqual([...ids].sort());
  });

  it('signs webhooks, and marks a reminder failed after the last attempt, visibly', async () => {
    await addContacts(1, 'webhook');
    await h.plan();
    h.clock.set(DUE);
    const workers = await h.workers();
    await workers.reconciler.run();
    await until(() => allSent(1), 'the webhook reminder to be sent');
    expect(webhook.received).toHaveLength(1);
    expect(webhook.received[0]).toMatchObject({
      signed: true,
      body: { kind: 'evaluation', dueOn: '2025-05-07', dueOnJapanese: '令和7年5月7日', sheet: { sheetId: SHEET_ID, unit: '地域課' } },
    });

    // The same hook now fails every time: three attempts, then `failed` with the reason.
    webhook.answer = { status: 500 };
    await h.commands.run(
      SHEET_ID,
      { type: 'SetEvaluationDate', date: '2025-05-08' },
      { actor: { id: 'tester', name: 'テスト' }, source: 'test' },
    );
    await h.plan();
    h.clock.set('2025-05-07T09:00:00+09:00');
    await workers.reconciler.run();
    await until(async () => (await rows()).some((r) => r.status === 'failed'), 'the reminder to fail');
    const failed = (await rows()).find((r) => r.status === 'failed')!;
    expect(failed).toMatchObject({ attempts: 3, reason: 'webhook answered 500 Internal Server Error', due_on: '2025-05-08' });
    expect(await sentEvents()).toHaveLength(1);
  });
});
