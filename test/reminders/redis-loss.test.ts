import { startApi } from '../support/api';
import { createTestDatabase, TestDatabase, uniquePrefix } from '../support/test-database';
import {
  createSheet,
  DUE,
  Harness,
  ONE_REMINDER,
  OwnRedis,
  SHEET_ID,
  SmtpCatcher,
  startHarness,
  startOwnRedis,
  startSmtp,
  until,
} from './support';

/** Redis lost under a running worker: FLUSHALL, then a restart that comes back empty. No one calls the reconciler by hand. */
describe('reminders when Redis is lost', () => {
  let redis: OwnRedis;

  beforeEach(async () => {
    redis = await startOwnRedis();
  });
  afterEach(() => redis.close());

  describe('the worker', () => {
    let database: TestDatabase;
    let smtp: SmtpCatcher;
    let h: Harness;

    beforeEach(async () => {
      database = await createTestDatabase(20);
      smtp = await startSmtp();
      h = await startHarness(
        database,
        { kind: 'redis', url: redis.url, prefix: uniquePrefix() },
        // The reconciler every 300 ms: the schedule is checked as often, as it is every 30 s (at most) in production.
        { smtpUrl: smtp.url, reconcileMs: 300, policy: { sheets: { [SHEET_ID]: ONE_REMINDER } } },
      );
      await createSheet(h);
    });

    afterEach(async () => {
      await h.close();
      await smtp.close();
      await database.close();
    });

    const rows = () => database.db.selectFrom('reminders').selectAll().execute();
    const contact = (i: number) =>
      h.contacts.create({ department: '西区', unit: '地域課', name: `担当者${i}`, role: '担当', email: `tanto${i}@example.jp` });
    const sent = async (n: number) => (await rows()).filter((r) => r.status === 'sent').length === n;

    it('re-establishes its schedule on its own after a FLUSHALL and after a restart that lost everything', async () => {
      await contact(1);
      await h.plan();
      await h.workers();
      await until(async () => (await rows()).every((r) => r.enqueued), 'the reminder handed to the queue');

      // FLUSHALL takes the scheduled reconciler and the reminder's delayed job; then the reminder falls due.
      await redis.flushAll();
      h.clock.set(DUE);
      await until(() => sent(1), 'the reminder sent after FLUSHALL', 20_000);

      // Redis stops and comes back empty; a new contact's reminder needs the reconciler to reach the queue.
      await redis.stop();
      await contact(2);
      await h.plan();
      await redis.start();
      await until(() => sent(2), 'the reminder sent after a restart', 20_000);
      expect(
        smtp.messages
          .map((m) => m.to)
          .flatMap((to) => (Array.isArray(to) ? to : [to]))
          .map((to) => to!.value[0]!.address)
          .sort(),
      ).toEqual(['tanto1@example.jp', 'tanto2@example.jp']);
    });
  });

  it('makes /health say degraded (200) while the queue cannot be reached, and ok when it is back', async () => {
    const api = await startApi({ REDIS_URL: redis.url });
    try {
      const health = async () => {
        const response = await fetch(`${api.url}/health`);
        return { status: response.status, body: (await response.json()) as { status: string; checks: Record<string, { status: string }> } };
      };
      expect(await health()).toMatchObject({ status: 200, body: { status: 'ok' } });
      await redis.stop();
      const down = await health();
      expect(down).toMatchObject({
        status: 200,
        body: { status: 'degraded', checks: { database: { status: 'up' }, queue: { status: 'down', backend: 'redis' } } },
      });
      await redis.start();
      await until(async () => (await health()).body.status === 'ok', '/health ok again');
    } finally {
      // Closing waits on the queue's connection.
      await redis.start();
      await api.close();
    }
  });
});
