import { ProcessorRunner } from '@shinchoku/processors';
import { planningRules, reminderPlanner, ReminderWorkers } from '@shinchoku/reminders';
import { SheetCommands } from '@shinchoku/sheets';
import { summariesProcessor } from '@shinchoku/summaries';
import { Json, startApi, TestApi } from '../support/api';

let api: TestApi;
let runner: ProcessorRunner;
const planner = () => reminderPlanner(planningRules(api.resources.config.reminders), api.clock);

beforeAll(async () => {
  api = await startApi();
  runner = new ProcessorRunner(api.database.db, api.resources.store, [planner(), summariesProcessor], {
    batchSize: 500,
    pollIntervalMs: 20,
  });
});
afterAll(() => api.close());

const plan = () => runner.catchUp(planner());
const reminders = async (query: string) => {
  const { status, body } = await api.call('GET', `/api/v1/reminders?${query}`);
  expect(status).toBe(200);
  return body.items as Array<{
    reminderId: string;
    kind: string;
    status: string;
    reason: string | null;
    dueOn: string;
    sendOn: string;
    channel: string;
    quarter: number | null;
    recipient: { role: string };
  }>;
};
const tally = (items: Array<{ kind: string; status: string; reason: string | null }>) => {
  const counts: Record<string, number> = {};
  for (const r of items)
    counts[`${r.kind} ${r.status}${r.reason ? ` ${r.reason}` : ''}`] =
      (counts[`${r.kind} ${r.status}${r.reason ? ` ${r.reason}` : ''}`] ?? 0) + 1;
  return counts;
};

describe('contacts', () => {
  it('are created, listed, read, changed and removed; bad input is a problem naming the field', async () => {
    const created = await api.call('POST', '/api/v1/contacts', {
      department: '北区',
      unit: '総務課',
      name: '北 一郎',
      role: '課長',
      email: 'ichiro@example.jp',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/contacts/${created.body.contactId}`);
    expect(created.body).toMatchObject({
      department: '北区',
      unit: '総務課',
      name: '北 一郎',
      role: '課長',
      email: 'ichiro@example.jp',
      webhookUrl: null,
    });
    const id = created.body.contactId;

    const coordinator = await api.call('POST', '/api/v1/contacts', {
      department: '北区',
      name: '北区 調整担当',
      role: 'coordinator',
      webhookUrl: 'https://hooks.example.jp/kita',
    });
    expect(coordinator.body).toMatchObject({ unit: null, email: null, webhookUrl: 'https://hooks.example.jp/kita' });

    expect((await api.call('GET', '/api/v1/contacts?department=北区')).body.items).toHaveLength(2);
    expect((await api.call('GET', '/api/v1/contacts?department=北区&unit=総務課')).body.items.map((c: Json) => c.contactId)).toEqual([id]);
    expect((await api.call('GET', `/api/v1/contacts/${id}`)).body.name).toBe('北 一郎');

    const changed = await api.call('PATCH', `/api/v1/contacts/${id}`, { email: null, webhookUrl: 'https://hooks.example.jp/ichiro' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      email: null,
      webhookUrl: 'https://hooks.example.jp/ichiro',
      name: '北 一郎',
      unit: '総務課',
      role: '課長',
    });

    expect((await api.call('DELETE', `/api/v1/contacts/${id}`)).status).toBe(204);
    expect((await api.call('GET', `/api/v1/contacts/${id}`)).body).toMatchObject({ status: 404, code: 'ContactNotFound' });
    expect((await api.call('DELETE', `/api/v1/contacts/${id}`)).status).toBe(404);
  });

  it.each([
    ['a role that does not exist', { department: '北区', name: 'x', role: '部長' }, 'body.role'],
    ['an email that is not one', { department: '北区', name: 'x', role: '担当', email: 'not-mail' }, 'body.email'],
    ['a webhook that is not http', { department: '北区', name: 'x', role: '担当', webhookUrl: 'ftp://x.example.jp' }, 'body.webhookUrl'],
    ['no department', { name: 'x', role: '担当' }, 'body.department'],
    ['an unknown field', { department: '北区', name: 'x', role: '担当', phone: '000' }, 'body'],
  ])('refuses %s with 400', async (_what, body, path) => {
    const before = (await api.call('GET', '/api/v1/contacts')).body.items.length;
    const reply = await api.call('POST', '/api/v1/contacts', body);
    expect(reply.status).toBe(400);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    expect(reply.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await api.call('GET', '/api/v1/contacts')).body.items).toHaveLength(before);
  });

  it.each([
    ['plain http', 'http://hooks.example.jp/x', 'must be an https:// URL'],
    ['the loopback address', 'https://127.0.0.1/x', '127.0.0.1 is not a public address'],
    ['localhost', 'https://localhost:8443/x', 'localhost is a local host name'],
    ['IPv6 loopback', 'https://[::1]/x', '::1 is not a public address'],
    ['a private network', 'https://10.1.2.3/x', '10.1.2.3 is not a public address'],
    ['172.16/12', 'https://172.31.255.254/x', '172.31.255.254 is not a public address'],
    ['192.168/16', 'https://192.168.0.10/x', '192.168.0.10 is not a public address'],
    ['cloud metadata', 'https://169.254.169.254/latest/meta-data/', '169.254.169.254 is not a public address'],
    ['loopback as one decimal number', 'https://2130706433/x', '127.0.0.1 is not a public address'],
    ['loopback as one hex number', 'https://0x7f000001/x', '127.0.0.1 is not a public address'],
    ['loopback in octal', 'https://0177.0.0.1/x', '127.0.0.1 is not a public address'],
    ['IPv4-mapped IPv6', 'https://[::ffff:10.0.0.1]/x', '::ffff:a00:1 is not a public address'],
    ['a name without a domain', 'https://metadata/computeMetadata/v1/', 'metadata is a local host name'],
    ['an internal name', 'https://metadata.google.internal/x', 'metadata.google.internal is a local host name'],
  ])('refuses a webhook to %s with 422 naming body.webhookUrl and why, and saves nothing', async (_what, webhookUrl, reason) => {
    const before = (await api.call('GET', '/api/v1/contacts')).body.items.length;
    const reply = await api.call('POST', '/api/v1/contacts', { department: '北区', name: 'x', role: '担当', webhookUrl });
    expect(reply.status).toBe(422);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    expect(reply.body).toMatchObject({
      code: 'WebhookUrlRefused',
      errors: [{ path: 'body.webhookUrl', message: expect.stringContaining(reason) }],
    });
    expect((await api.call('GET', '/api/v1/contacts')).body.items).toHaveLength(before);

    const { body: contact } = await api.call('POST', '/api/v1/contacts', {
      department: '北区',
      name: 'y',
      role: '担当',
      webhookUrl: 'https://hooks.example.jp/ok',
    });
    const changed = await api.call('PATCH', `/api/v1/contacts/${contact.contactId}`, { webhookUrl });
    expect(changed).toMatchObject({ status: 422, body: { errors: [{ path: 'body.webhookUrl' }] } });
    expect((await api.call('GET', `/api/v1/contacts/${contact.contactId}`)).body.webhookUrl).toBe('https://hooks.example.jp/ok');
    await api.call('DELETE', `/api/v1/contacts/${contact.contactId}`);
  });

  it('are in the OpenAPI document, from the same schemas', async () => {
    const document = (await (await fetch(`${api.url}/docs-json`)).json()) as { paths: Record<string, Json> };
    expect(document.paths['/api/v1/contacts'].post.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      properties: {
        department: expect.any(Object),
        unit: expect.any(Object),
        role: expect.any(Object),
        email: expect.any(Object),
        webhookUrl: expect.any(Object),
      },
    });
    expect(document.paths['/api/v1/reminders'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['sheetId', 'status']),
    );
  });

  it('answers 400 for an id that is not a UUID and for an empty change, 401 without a token', async () => {
    expect((await api.call('GET', '/api/v1/contacts/nope')).status).toBe(400);
    const { body } = await api.call('POST', '/api/v1/contacts', { department: '北区', name: 'x', role: '担当' });
    expect((await api.call('PATCH', `/api/v1/contacts/${body.contactId}`, {})).status).toBe(400);
    expect((await fetch(`${api.url}/api/v1/contacts`)).status).toBe(401);
    expect((await api.call('GET', '/api/v1/reminders?status=lost')).body.errors[0].path).toBe('query.status');
  });
});

describe('reminders of a sheet, through its life', () => {
  it('are planned, re-planned when the 評価日 moves, sent (with ReminderSent in events and audit), and cancelled as work gets done', async () => {
    api.clock.set('2025-04-01T09:00:00+09:00');
    await api.call('POST', '/api/v1/contacts', {
      department: '西区',
      unit: '広報課',
      name: '西 花子',
      role: '担当',
      email: 'hanako@example.jp',
    });
    const { sheetId, goalId, indicatorId } = await api.smallSheet('広報課', 'SNSで西区の魅力を発信します。', {
      name: 'SNS発信件数',
      target: '190',
    });
    await api.call('PUT', `/api/v1/sheets/${sheetId}/evaluation-date`, { date: '2025-05-07' });
    await plan();
    const planned = await reminders(`sheetId=${sheetId}&status=planned`);
    // Nothing is planned late: Q4's progress reminder (3/24) was due before today. Overdue ones
    // escalate to 課長 and the coordinator, who have no contact here, so theirs go to the log.
    expect(tally(planned)).toEqual({ 'evaluation planned': 4, 'overdue planned': 2 * 1 + 2 * 2 + 6 * 3 });
    expect(planned.filter((r) => r.kind === 'evaluation').map((r) => r.sendOn)).toEqual([
      '2025-04-14',
      '2025-04-23',
      '2025-04-30',
      '2025-05-02',
    ]);

    await api.call('PUT', `/api/v1/sheets/${sheetId}/evaluation-date`, { date: '2025-06-02' });
    await plan();
    expect(tally(await reminders(`sheetId=${sheetId}`))).toEqual({
      'evaluation cancelled evaluationDateMoved': 4,
      'overdue cancelled evaluationDateMoved': 24,
      'evaluation planned': 4,
      'overdue planned': 24,
    });

    // The first one falls due: with no SMTP_URL (the embedded default) email goes out through the log.
    api.clock.set('2025-05-13T09:00:00+09:00');
    const first = (await reminders(`sheetId=${sheetId}&status=planned`))[0]!;
    expect(first).toMatchObject({ kind: 'evaluation', sendOn: '2025-05-13', dueOn: '2025-06-02', channel: 'email' });
    const before = (await api.call('GET', `/api/v1/sheets/${sheetId}`)).body;
    const workers = new ReminderWorkers({
      db: api.database.db,
      queues: api.resources.queues,
      commands: api.app.get(SheetCommands),
      clock: api.clock,
      settings: api.resources.config.reminders,
      logger: { log() {}, warn() {}, error() {} },
    });
    expect(await workers.delivery.deliver(first.reminderId)).toBe('sent');
    expect((await reminders(`sheetId=${sheetId}&status=sent`)).map((r) => r.reminderId)).toEqual([first.reminderId]);

    const after = (await api.call('GET', `/api/v1/sheets/${sheetId}`)).body;
    expect({ ...after, version: 0 }).toEqual({ ...before, version: 0 });
    expect(after.version).toBe(before.version + 1);
    const events = (await api.call('GET', `/api/v1/sheets/${sheetId}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({
      type: 'ReminderSent',
      data: {
        reminderId: first.reminderId,
        kind: 'evaluation',
        dueOn: '2025-06-02',
        channel: 'log',
        recipient: { name: '西 花子', role: '担当' },
      },
      metadata: { actor: { id: 'system:reminders', name: 'リマインダー' }, source: 'reminders' },
    });
    const audit = (await api.call('GET', `/api/v1/sheets/${sheetId}/audit`)).body.items;
    expect(audit.at(-1)).toMatchObject({
      command: 'RecordReminder',
      events: ['ReminderSent'],
      changes: [],
      actor: { name: 'リマインダー' },
      reason: '担当 西 花子 <hanako@example.jp> に log で通知（期限 令和7年6月2日）',
    });

    // The goal is evaluated: everything still planned goes, with its reason.
    await api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/1`, { value: 50 });
    await api.call('PUT', `/api/v1/sheets/${sheetId}/goals/${goalId}/evaluation`, { rating: '○' });
    await plan();
    expect(tally(await reminders(`sheetId=${sheetId}`))).toMatchObject({
      'evaluation sent': 1,
      'evaluation cancelled goalsEvaluated': 3,
      'overdue cancelled goalsEvaluated': 24,
    });
    expect(await reminders(`sheetId=${sheetId}&status=planned`)).toEqual([]);

    // A reminder already out is still recorded on a closed sheet.
    expect((await api.call('POST', `/api/v1/sheets/${sheetId}/close`)).status).toBe(200);
    const sent = await api.app.get(SheetCommands).run(
      sheetId,
      {
        type: 'RecordReminder',
        reminderId: first.reminderId,
        kind: 'overdue',
        dueOn: '2025-06-02',
        recipient: { name: null, role: '課長', address: null },
        channel: 'log',
      },
      { actor: { id: 'system:reminders', name: 'リマインダー' }, source: 'reminders' },
    );
    expect(sent.appended).toBe(1);
    expect((await api.call('GET', `/api/v1/sheets/${sheetId}`)).body.status).toBe('closed');
    // The summaries processor reads past ReminderSent as if it were not there.
    await runner.catchUp(summariesProcessor);
    const { body: year } = await api.call('GET', '/api/v1/summaries/fiscal-years/2024');
    expect(year.units.find((u: { sheetId: string }) => u.sheetId === sheetId).quarters[1]).toMatchObject({ recorded: 1, missing: [] });
  });

  it('quarterly progress reminders go when the progress is recorded, and the rest when the sheet closes', async () => {
    api.clock.set('2024-04-01T09:00:00+09:00');
    const { sheetId, goalId, indicatorId } = await api.smallSheet('地域課', '地域を元気にします。', { name: '支援団体数', target: '15' });
    await plan();
    const planned = await reminders(`sheetId=${sheetId}&status=planned`);
    expect(planned.map((r) => [r.quarter, r.sendOn, r.dueOn])).toEqual([
      [1, '2024-06-24', '2024-06-30'],
      [2, '2024-09-20', '2024-09-30'],
      [3, '2024-12-23', '2024-12-31'],
      [4, '2025-03-24', '2025-03-31'],
    ]);
    await api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/1`, { value: 4 });
    await plan();
    expect(tally(await reminders(`sheetId=${sheetId}`))).toEqual({ 'progress cancelled progressRecorded': 1, 'progress planned': 3 });

    await api.call('PUT', `/api/v1/sheets/${sheetId}/goals/${goalId}/evaluation`, { rating: '△' });
    await api.call('POST', `/api/v1/sheets/${sheetId}/close`);
    await plan();
    expect(tally(await reminders(`sheetId=${sheetId}`))).toEqual({
      'progress cancelled progressRecorded': 1,
      'progress cancelled sheetClosed': 3,
    });
  });

  it('a contact added later is planned for the open sheets it reaches; a failed reminder shows in /metrics', async () => {
    api.clock.set('2025-04-01T09:00:00+09:00');
    const { sheetId } = await api.smallSheet('税務課', '適正な課税を行います。', { name: '課税件数', target: '100' });
    await api.call('PUT', `/api/v1/sheets/${sheetId}/evaluation-date`, { date: '2025-05-07' });
    await plan();
    const toLog = await reminders(`sheetId=${sheetId}&status=planned`);
    expect(toLog.every((r) => r.channel === 'log')).toBe(true);

    const { body: kacho } = await api.call('POST', '/api/v1/contacts', {
      department: '西区',
      unit: '税務課',
      name: '税 次郎',
      role: '担当',
      webhookUrl: 'https://hooks.example.jp/zei',
    });
    const now = await reminders(`sheetId=${sheetId}&status=planned`);
    expect(now.length).toBe(toLog.length);
    expect(now.every((r) => r.channel === (r.recipient.role === '担当' ? 'webhook' : 'log'))).toBe(true);
    expect((await reminders(`sheetId=${sheetId}&status=cancelled`)).every((r) => r.reason === 'recipientsOrPolicyChanged')).toBe(true);

    await api.call('DELETE', `/api/v1/contacts/${kacho.contactId}`);
    expect((await reminders(`sheetId=${sheetId}&status=planned`)).every((r) => r.channel === 'log')).toBe(true);
    expect(await reminders(`sheetId=${sheetId}&status=planned`)).toHaveLength(toLog.length);

    const victim = (await reminders(`sheetId=${sheetId}&status=planned`))[0]!;
    await api.database.db
      .updateTable('reminders')
      .set({ status: 'failed', reason: 'webhook answered 500' })
      .where('reminder_id', '=', victim.reminderId)
      .execute();
    expect((await reminders('status=failed')).map((r) => [r.reminderId, r.reason])).toEqual([[victim.reminderId, 'webhook answered 500']]);
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toContain('shinchoku_reminders{status="failed"} 1');
  });

  it('a rebuild plans every sheet once from its current state: what was planned stays, nothing is added twice', async () => {
    api.clock.set('2025-04-01T09:00:00+09:00');
    const { sheetId } = await api.smallSheet('建設課', '地域の担い手を育てます。', { name: '講座の開催回数', target: '12' });
    await api.call('PUT', `/api/v1/sheets/${sheetId}/evaluation-date`, { date: '2025-05-07' });
    await plan();
    const snapshot = async () =>
      (
        await api.database.db
          .selectFrom('reminders')
          .select(['sheet_id', 'plan_key', 'status', 'reason'])
          .orderBy('sheet_id')
          .orderBy('plan_key')
          .orderBy('reminder_id')
          .execute()
      ).map((r) => [r.sheet_id, r.plan_key, r.status, r.reason].join('|'));
    const before = await snapshot();
    const planned = await api.database.db
      .selectFrom('reminders')
      .select(['reminder_id'])
      .where('sheet_id', '=', sheetId)
      .where('status', '=', 'planned')
      .execute();
    expect(planned.length).toBeGreaterThan(0);
    // A planned row lost (as if the table had been damaged) is planned again by the rebuild.
    await api.database.db.deleteFrom('reminders').where('reminder_id', '=', planned[0]!.reminder_id).execute();
    expect(await snapshot()).toHaveLength(before.length - 1);
    await runner.rebuildByStream(planner());
    expect(await snapshot()).toEqual(before);
  });
});
