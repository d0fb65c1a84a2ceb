import { sql } from 'kysely';
import { ProcessorRunner } from '@shinchoku/processors';
import { QueueFactory, type AnyQueue } from '@shinchoku/queue';
import { planningRules, reminderPlanner, ReminderWorkers } from '@shinchoku/reminders';
import { DELIVERY_QUEUE, type DeliveryJob } from '@shinchoku/reminders/application/reconciler';
import { DEFAULT_POLICY } from '@shinchoku/reminders/domain/policy';
import { SheetCommands } from '@shinchoku/sheets';
import { callAs, eventCount, issueToken, ok } from '../support/access';
import { startApi, type TestApi } from '../support/api';
import { TEST_REDIS_URL } from '../support/services';
import { until } from './support';

/**
 * The reminder settings over HTTP, on PostgreSQL with either queue backend: the API process records a
 * change and re-plans; a worker of its own (its own queue connections, a reconcile schedule of an
 * hour) brings the delayed jobs in line when the API asks it to.
 */
let api: TestApi;
let runner: ProcessorRunner;
let workers: ReminderWorkers;
let workerQueues: QueueFactory;
let jobs: AnyQueue<DeliveryJob>;

const planner = () => reminderPlanner(planningRules(api.resources.config.reminders), api.clock);
const plan = () => runner.catchUp(planner());
const SETTINGS = '/api/v1/settings/reminders';
const REASON = '令和7年度から評価日前の通知を2回に減らす';
const ENVIRONMENT_POLICY = { ...DEFAULT_POLICY, departments: {}, sheets: {} };

interface Row {
  reminder_id: string;
  kind: string;
  status: string;
  reason: string | null;
  send_on: string;
  send_at: Date;
}
const rows = async (sheetId: string) =>
  (await sql<Row>`SELECT * FROM reminders WHERE sheet_id = ${sheetId} ORDER BY send_at, reminder_id`.execute(api.database.db)).rows;
const planned = async (sheetId: string) => (await rows(sheetId)).filter((r) => r.status === 'planned');
const sendOns = (list: Row[], kind: string) => list.filter((r) => r.kind === kind).map((r) => r.send_on);
const delayedJobs = async () => new Map((await jobs.getDelayed()).map((job) => [job.id!, job]));
const sameIds = async (sheetIds: string[]) => {
  const live = (await Promise.all(sheetIds.map(planned))).flat().map((r) => r.reminder_id);
  const queued = [...(await delayedJobs()).keys()];
  return live.length === queued.length && live.every((id) => queued.includes(id));
};

async function sheetDueOn(unit: string, date: string): Promise<string> {
  const { sheetId } = await api.smallSheet(unit, `${unit}の目標`, { name: `${unit}の指標`, target: '10' });
  await ok(api.call('PUT', `/api/v1/sheets/${sheetId}/evaluation-date`, { date }));
  return sheetId;
}

/** Read then changed, as the settings page does: with the ETag it read. */
async function change(method: 'PUT' | 'PATCH', body: unknown) {
  const read = await api.call('GET', SETTINGS);
  return api.call(method, SETTINGS, body, { 'if-match': read.headers.get('etag')! });
}

/** Both queue backends: Redis in production, BullMQ on PostgreSQL for the embedded default. */
describe.each([
  ['Redis', { REDIS_URL: TEST_REDIS_URL }],
  ['PostgreSQL', {}],
])('on %s', (_backend, backend: Record<string, string>) => {
  beforeAll(async () => {
    api = await startApi({ ...backend, REMINDER_CLOSED_DAYS: '2025-08-13', REMINDER_RECONCILE_MS: '3600000' });
    api.clock.set('2025-04-01T09:00:00+09:00');
    runner = new ProcessorRunner(api.database.db, api.resources.store, [planner()], { batchSize: 500, pollIntervalMs: 20 });
    workerQueues = new QueueFactory(api.resources.queues.connection);
    workers = new ReminderWorkers({
      db: api.database.db,
      queues: workerQueues,
      commands: api.app.get(SheetCommands),
      clock: api.clock,
      settings: api.resources.config.reminders,
      logger: { log() {}, warn() {}, error() {} },
    });
    await workers.start();
    jobs = api.resources.queues.queue<DeliveryJob>(DELIVERY_QUEUE);
  });
  afterAll(async () => {
    await workers.close();
    await workerQueues.close();
    await api.close();
  });

  describe('the reminder settings', () => {
    let first: string;

    it('are the environment until someone records a change, and say so', async () => {
      const reply = await api.call('GET', SETTINGS);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('etag')).toBe('"0"');
      expect(reply.body).toEqual({
        policy: ENVIRONMENT_POLICY,
        closedDays: ['2025-08-13'],
        version: 0,
        sources: {
          policy: { from: 'environment', variable: 'REMINDER_POLICY' },
          closedDays: { from: 'environment', variable: 'REMINDER_CLOSED_DAYS' },
        },
      });
      expect((await api.call('GET', `${SETTINGS}/history`)).body).toEqual({ items: [], version: 0 });
    });

    it('once changed, re-plan the planned reminders at once: moved ones get a new job, the old job leaves the queue, the rest stay as they were', async () => {
      first = await sheetDueOn('広報課', '2025-05-07');
      await plan();
      await workers.reconciler.run();
      const before = await planned(first);
      expect(sendOns(before, 'evaluation')).toEqual(['2025-04-14', '2025-04-23', '2025-04-30', '2025-05-02']);
      expect(await sameIds([first])).toBe(true);

      // Ten and two business days before, and 2025-05-01 closed: 5/2 is one, 4/30 the second (4/29 is 昭和の日), 4/17 the tenth.
      const reply = await change('PATCH', {
        policy: { ...ENVIRONMENT_POLICY, evaluation: { businessDaysBefore: [10, 2], roles: ['担当'] } },
        addClosedDays: ['2025-05-01'],
        reason: REASON,
      });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('etag')).toBe('"2"');
      expect(reply.body).toMatchObject({
        policy: { evaluation: { businessDaysBefore: [10, 2], roles: ['担当'] } },
        closedDays: ['2025-05-01', '2025-08-13'],
        version: 2,
        sources: {
          policy: { from: 'recorded', version: 1, actor: { id: 'admin' }, reason: REASON },
          closedDays: { from: 'recorded', version: 2, reason: REASON },
        },
      });

      // In the table, within the request: of the evaluation reminders 4/30's is still wanted (the same
      // reminder: same day, same person), so it stays; the other three are cancelled, 4/17's is new. Nothing doubles.
      const after = await planned(first);
      expect(sendOns(after, 'evaluation')).toEqual(['2025-04-17', '2025-04-30']);
      const cancelled = (await rows(first)).filter((r) => r.status === 'cancelled');
      expect(cancelled.map((r) => [r.send_on, r.reason])).toEqual(
        ['2025-04-14', '2025-04-23', '2025-05-02'].map((day) => [day, 'recipientsOrPolicyChanged']),
      );
      const kept = before.filter((r) => r.kind === 'overdue' || r.send_on === '2025-04-30').map((r) => r.reminder_id);
      const added = after.find((r) => r.send_on === '2025-04-17')!;
      expect(after.map((r) => r.reminder_id).sort()).toEqual([...kept, added.reminder_id].sort());

      // In the queue, without waiting for the hourly reconcile: the worker was asked to reconcile now.
      await until(() => sameIds([first]), 'the delayed jobs to follow the new plan', 15_000);
      const queued = await delayedJobs();
      for (const old of cancelled) expect(queued.has(old.reminder_id)).toBe(false);
      expect(queued.size).toBe(after.length);
      expect(queued.get(added.reminder_id)!.delay).toBe(added.send_at.getTime() - api.clock.now().getTime());
      expect(await workers.reconciler.run()).toEqual({ withdrawn: 0, enqueued: 0, requeued: 0 });
    });

    it("reach the worker's planner: a sheet planned later gets the recorded policy and closed days", async () => {
      const later = await sheetDueOn('総務課', '2025-05-07');
      await plan();
      expect(sendOns(await planned(later), 'evaluation')).toEqual(['2025-04-17', '2025-04-30']);
      // The settings events themselves change nothing more when the planner meets them in the feed.
      expect(sendOns(await planned(first), 'evaluation')).toEqual(['2025-04-17', '2025-04-30']);
      await workers.reconciler.run();
      expect(await sameIds([first, later])).toBe(true);
    });

    it('keep their history: who changed what, when and why', async () => {
      const { body } = await api.call('GET', `${SETTINGS}/history`);
      expect(body.version).toBe(2);
      expect(body.items).toMatchObject([
        {
          version: 1,
          type: 'ReminderPolicyChanged',
          schemaVersion: 1,
          actor: { id: 'admin' },
          reason: REASON,
          data: { policy: { evaluation: { businessDaysBefore: [10, 2] } } },
        },
        {
          version: 2,
          type: 'ClosedDaysChanged',
          schemaVersion: 1,
          reason: REASON,
          data: { closedDays: ['2025-05-01', '2025-08-13'], added: ['2025-05-01'], removed: [] },
        },
      ]);
      expect(Date.parse(body.items[0].recordedAt)).not.toBeNaN();
    });

    it('record nothing for a change that changes nothing, and answer a retried request as the first time', async () => {
      const current = (await api.call('GET', SETTINGS)).body;
      const events = await eventCount(api);
      const same = await change('PUT', { policy: current.policy, closedDays: [...current.closedDays].reverse(), reason: '確認のみ' });
      expect(same).toMatchObject({ status: 200, body: { version: 2 } });

      const headers = { 'if-match': '"2"', 'idempotency-key': 'settings-retry-1' };
      const body = { removeClosedDays: ['2025-08-13'], reason: 'お盆の閉庁をやめる' };
      const once = await api.call('PATCH', SETTINGS, body, headers);
      const again = await api.call('PATCH', SETTINGS, body, headers);
      expect([once.status, again.status]).toEqual([200, 200]);
      expect(again.body).toEqual(once.body);
      expect(once.body.closedDays).toEqual(['2025-05-01']);
      expect(await eventCount(api)).toBe(events + 1);
      expect((await api.call('PATCH', SETTINGS, { ...body, reason: '別の変更' }, headers)).body).toMatchObject({
        status: 422,
        code: 'IdempotencyKeyReused',
      });
    });

    describe('refuse, appending nothing and re-planning nothing', () => {
      const policy = (change: object) => ({ ...ENVIRONMENT_POLICY, ...change });
      let snapshot: { events: number; planned: string[] };
      const state = async () => ({ events: await eventCount(api), planned: (await planned(first)).map((r) => r.reminder_id) });

      beforeEach(async () => {
        snapshot = await state();
      });
      afterEach(async () => {
        expect(await state()).toEqual(snapshot);
      });

      it('a change without If-Match (428), or from a version no longer current (412, with the current ETag)', async () => {
        const body = { addClosedDays: ['2025-09-01'], reason: REASON };
        expect((await api.call('PATCH', SETTINGS, body)).body).toMatchObject({
          status: 428,
          code: 'PreconditionRequired',
          errors: [{ path: 'header.if-match' }],
        });
        const stale = await api.call('PATCH', SETTINGS, body, { 'if-match': '"1"' });
        expect(stale.body).toMatchObject({ status: 412, code: 'VersionMismatch', expectedVersion: 1, actualVersion: 3 });
        expect(stale.headers.get('etag')).toBe('"3"');
        expect((await api.call('PATCH', SETTINGS, body, { 'if-match': 'soon' })).body).toMatchObject({
          status: 400,
          errors: [{ path: 'header.if-match' }],
        });
      });

      const hugeDays = Array.from({ length: 1_001 }, (_, i) => new Date(Date.UTC(2030, 0, 1 + i)).toISOString().slice(0, 10));
      it.each<[string, unknown, string]>([
        ['a date that does not exist', { addClosedDays: ['2026-02-30'], reason: REASON }, 'body.addClosedDays[0]'],
        ['a date not as YYYY-MM-DD', { addClosedDays: ['令和7年5月1日'], reason: REASON }, 'body.addClosedDays[0]'],
        ['a date that is a number', { addClosedDays: [20250501], reason: REASON }, 'body.addClosedDays[0]'],
        ['a huge array of dates', { addClosedDays: hugeDays, reason: REASON }, 'body.addClosedDays'],
        ['closed days that are not a list', { addClosedDays: '2025-05-01', reason: REASON }, 'body.addClosedDays'],
        ['no reason', { addClosedDays: ['2025-09-01'] }, 'body.reason'],
        ['a blank reason', { addClosedDays: ['2025-09-01'], reason: '   ' }, 'body.reason'],
        ['a reason that is not text', { addClosedDays: ['2025-09-01'], reason: 42 }, 'body.reason'],
        ['nothing to change', { reason: REASON }, 'body'],
        ['an unknown key', { addClosedDays: ['2025-09-01'], holidays: ['2025-09-01'], reason: REASON }, 'body'],
        [
          'negative days',
          { policy: policy({ evaluation: { businessDaysBefore: [-3], roles: ['担当'] } }), reason: REASON },
          'body.policy.evaluation.businessDaysBefore[0]',
        ],
        [
          'days as text',
          { policy: policy({ progress: { businessDaysBefore: ['5'], roles: ['担当'] } }), reason: REASON },
          'body.policy.progress.businessDaysBefore[0]',
        ],
        [
          'an unknown role',
          { policy: policy({ progress: { businessDaysBefore: [5], roles: ['部長'] } }), reason: REASON },
          'body.policy.progress.roles[0]',
        ],
        ['a policy missing a section', { policy: { evaluation: DEFAULT_POLICY.evaluation }, reason: REASON }, 'body.policy.progress'],
        ['an unknown key in the policy', { policy: policy({ holidays: true }), reason: REASON }, 'body.policy'],
        ['a policy that is null', { policy: null, reason: REASON }, 'body.policy'],
      ])('%s: 400 naming the field', async (_what, body, path) => {
        const reply = await api.call('PATCH', SETTINGS, body, { 'if-match': '"3"' });
        expect(reply.status).toBe(400);
        expect(reply.headers.get('content-type')).toContain('application/problem+json');
        expect(reply.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      });

      it.each<[string, unknown, string, string]>([
        [
          'a closed day already closed',
          { addClosedDays: ['2025-05-01'], reason: REASON },
          'ClosedDayAlreadyListed',
          'body.addClosedDays[0]',
        ],
        [
          'removing a day not closed',
          { removeClosedDays: ['2025-05-02'], reason: REASON },
          'ClosedDayNotListed',
          'body.removeClosedDays[0]',
        ],
        [
          'the same day twice',
          { addClosedDays: ['2025-09-01', '2025-09-01'], reason: REASON },
          'DuplicateClosedDay',
          'body.addClosedDays[1]',
        ],
        [
          'escalation after the last overdue day',
          { policy: policy({ overdue: { businessDays: 2, escalation: [{ fromBusinessDay: 3, role: '課長' }] } }), reason: REASON },
          'EscalationNeverReached',
          'body.policy.overdue.escalation[0].fromBusinessDay',
        ],
        [
          'reminders for nobody',
          { policy: policy({ evaluation: { businessDaysBefore: [3], roles: [] } }), reason: REASON },
          'NobodyToRemind',
          'body.policy.evaluation.roles',
        ],
      ])('%s: 422 naming the field', async (_what, body, code, path) => {
        const reply = await api.call('PATCH', SETTINGS, body, { 'if-match': '"3"' });
        expect(reply.body).toMatchObject({ status: 422, code, errors: [{ path }] });
      });

      it('a change by anyone but an administrator (403); coordinators and auditors may read them, a 課 may not', async () => {
        const as = async (grant: object) => callAs(api, (await issueToken(api, [grant as never])).token);
        const coordinator = await as({ role: 'coordinator', department: '西区' });
        const auditor = await as({ role: 'auditor' });
        const viewer = await as({ role: 'viewer', department: '西区', unit: '広報課' });
        const body = { addClosedDays: ['2025-09-01'], reason: REASON };
        snapshot.events = await eventCount(api);
        for (const who of [coordinator, auditor]) {
          expect((await who('GET', SETTINGS)).status).toBe(200);
          expect((await who('GET', `${SETTINGS}/history`)).status).toBe(200);
          expect((await who('PATCH', SETTINGS, body)).body).toMatchObject({ status: 403, permission: 'settings.write' });
          expect((await who('PUT', SETTINGS, { policy: ENVIRONMENT_POLICY, closedDays: [], reason: REASON })).body).toMatchObject({
            status: 403,
            permission: 'settings.write',
          });
        }
        expect((await viewer('GET', SETTINGS)).body).toMatchObject({ status: 403, permission: 'settings.read' });
      });
    });

    it('take one of two changes made at once from the same version; the other is told to reload (412)', async () => {
      const tag = (await api.call('GET', SETTINGS)).headers.get('etag')!;
      const replies = await Promise.all(
        ['2025-09-01', '2025-09-02'].map((day) =>
          api.call('PATCH', SETTINGS, { addClosedDays: [day], reason: REASON }, { 'if-match': tag }),
        ),
      );
      expect(replies.map((r) => r.status).sort()).toEqual([200, 412]);
      const { body } = await api.call('GET', SETTINGS);
      expect(body.closedDays.filter((day: string) => day.startsWith('2025-09'))).toHaveLength(1);
      expect(body.version).toBe(Number(JSON.parse(tag)) + 1);
    });
  });
});
