import { connect } from 'node:net';
import { Client } from 'pg';
import { sql } from 'kysely';
import { startApi, SmallSheet, TestApi } from '../support/api';
import { TEST_REDIS_URL } from '../support/services';
import { TcpProxy } from '../support/tcp-proxy';
import { until } from '../reminders/support';

/**
 * The database frozen, locked or gone: every request answers 503 with Retry-After within a few
 * seconds (the default bounds), appends nothing, and the application serves again once the
 * database is back, without a restart. The application reaches PostgreSQL through a proxy the
 * test can freeze (bytes stop both ways, connections stay open) and close.
 */
const proxy = new TcpProxy({ host: '127.0.0.1', port: 5432 });
let api: TestApi;
let sheet: SmallSheet;

beforeAll(async () => {
  await proxy.open();
  // Only the database sits behind the proxy: the queue on Redis keeps BullMQ's own PostgreSQL
  // clients (whose LISTEN client can throw an unhandled 'error' while connecting) out of the outage.
  api = await startApi({ REDIS_URL: TEST_REDIS_URL }, (url) => proxy.in(url));
  sheet = await api.smallSheet('地域課', '地域の魅力を発信します。', { name: '発信件数', target: '100' });
});
afterAll(async () => {
  proxy.thaw();
  await proxy.open().catch(() => undefined);
  await api.close();
  await proxy.close();
});

const events = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM events`.execute(api.database.db)).rows[0]!.n);
const read = () => api.call('GET', '/api/v1/sheets?fiscalYear=2024');
const write = (value: string) => api.call('PUT', `/api/v1/sheets/${sheet.sheetId}/indicators/${sheet.indicatorId}/progress/1`, { value });

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

function expectUnavailable(reply: Awaited<ReturnType<typeof read>>) {
  expect(reply.status).toBe(503);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(reply.body.code).toBe('DatabaseUnavailable');
}

const servesAgain = () =>
  until(async () => (await read()).status === 200 && (await write('7')).status === 200, 'the application serving again', 20_000);

describe('a database that does not answer, is locked or is gone', () => {
  it('frozen: a read and a write answer 503 with Retry-After within a few seconds, /health within its bound, nothing appended', async () => {
    const before = await events();
    proxy.freeze();
    try {
      const [get, put, health] = await Promise.all([timed(read), timed(() => write('5')), timed(() => api.call('GET', '/health'))]);
      expectUnavailable(get.result);
      expectUnavailable(put.result);
      expect(get.ms).toBeLessThan(9_000);
      expect(put.ms).toBeLessThan(9_000);
      expect(health.result.status).toBe(503);
      expect(health.ms).toBeLessThan(4_000);
      // A statement sent into a frozen network still arrives if the network thaws before the
      // connection is gone (the 503 says so: retry with the same Idempotency-Key). Thaw only once
      // the application has let go of every connection it gave up on, as a real outage would.
      await until(async () => proxy.holding() === 0, 'the application closing the connections it gave up on', 15_000);
    } finally {
      proxy.thaw();
    }
    expect(await events()).toBe(before);
    await servesAgain();
  }, 30_000);

  it('locked by another session: a write answers 503 within the lock timeout and appends nothing', async () => {
    const before = await events();
    const holder = new Client({ connectionString: api.database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE sheets IN ACCESS EXCLUSIVE MODE');
      const [put, get] = await Promise.all([timed(() => write('6')), timed(read)]);
      expectUnavailable(put.result);
      expectUnavailable(get.result);
      // The lock timeout (2 s by default), not the statement timeout (5 s).
      expect(put.ms).toBeLessThan(4_000);
      expect(get.ms).toBeLessThan(4_000);
      expect(await events()).toBe(before);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    await servesAgain();
  }, 30_000);

  it('gone: requests answer 503, not 500, and are served again once it is back', async () => {
    await proxy.close();
    try {
      const [get, put] = await Promise.all([timed(read), timed(() => write('8'))]);
      expectUnavailable(get.result);
      expectUnavailable(put.result);
      expect(Math.max(get.ms, put.ms)).toBeLessThan(8_000);
    } finally {
      await proxy.open();
    }
    await servesAgain();
  }, 30_000);
});

describe('a request the server cannot answer in time', () => {
  it('answers 503 RequestTimeout with Retry-After at the handler bound, whatever it waits on', async () => {
    const slow = await startApi({ HTTP_HANDLER_TIMEOUT_MS: '1000', DATABASE_LOCK_TIMEOUT_MS: '0', DATABASE_STATEMENT_TIMEOUT_MS: '0' });
    const holder = new Client({ connectionString: slow.database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE sheets IN ACCESS EXCLUSIVE MODE');
      const { result, ms } = await timed(() => slow.call('GET', '/api/v1/sheets?fiscalYear=2024'));
      expect(result.status).toBe(503);
      expect(result.body.code).toBe('RequestTimeout');
      expect(Number(result.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(ms).toBeLessThan(3_000);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
      await slow.close();
    }
  }, 30_000);
});

describe('a client that sends its request too slowly', () => {
  it('is cut off at the request bound, so a trickle of requests cannot hold sockets open', async () => {
    const bounded = await startApi({ HTTP_REQUEST_TIMEOUT_MS: '1000' });
    const socket = connect(Number(new URL(bounded.url).port), '127.0.0.1');
    try {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.on('error', () => undefined);
      // Headers begun, never finished.
      socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      const { ms } = await timed(() => Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]));
      expect(ms).toBeLessThan(3_000);
    } finally {
      socket.destroy();
      await bounded.close();
    }
  }, 30_000);
});
