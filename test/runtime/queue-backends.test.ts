import { QueueFactory, QueueConnection } from '@shinchoku/queue';
import { createTestDatabase, TestDatabase, uniquePrefix } from '../support/test-database';
import { TEST_REDIS_URL } from '../support/services';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(2);
});
afterAll(() => database.close());

const backends: Array<[string, () => QueueConnection]> = [
  ['redis', () => ({ kind: 'redis', url: TEST_REDIS_URL, prefix: uniquePrefix() })],
  ['postgres', () => ({ kind: 'postgres', url: database.url, schema: uniquePrefix() })],
];

/** The same behaviour from either backend: later capabilities (reminders) rely on it. */
describe.each(backends)('BullMQ on %s', (kind, connection) => {
  let queues: QueueFactory;
  beforeEach(() => {
    queues = new QueueFactory(connection());
  });
  afterEach(() => queues.close());

  it('delivers a job to a worker and reports its result', async () => {
    expect(queues.backend).toBe(kind);
    const queue = queues.queue<{ sheet: string }>('smoke');
    const done = new Promise<string>((resolve, reject) => {
      const worker = queues.worker<{ sheet: string }>('smoke', async (job) => `handled ${job.data.sheet}`);
      worker.on('completed', (_job, result) => resolve(result as string));
      worker.on('failed', (_job, error) => reject(error));
    });
    await queue.add('remind', { sheet: '西区 地域課' });
    await expect(done).resolves.toBe('handled 西区 地域課');
  });

  it('keeps one job per job id, however often it is added', async () => {
    const queue = queues.queue<{ n: number }>('dedupe');
    for (let n = 0; n < 5; n++) await queue.add('remind', { n }, { jobId: 'reminder-42', delay: 60_000 });
    expect(await queue.getJobCounts('delayed')).toMatchObject({ delayed: 1 });
    expect((await queue.getJob('reminder-42'))?.data).toEqual({ n: 0 });
  });
});
