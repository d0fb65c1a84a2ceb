import { connect } from 'node:net';
import { Client } from 'pg';
import { sql } from 'kysely';
import { startApi, SmallSheet, TestApi } from '../support/api';
import { TEST_REDIS_URL } from '../support/services';
import { TcpProxy } from '../support/tcp-proxy';
import { until } from '../reminders/support';

/**
 * The database frozen, locked or gone: every request answers 503 with Retry-After, by a bound
 * meant for that fault (the problem says which: timed out, locked, unreachable), appends nothing,
 * and the application serves again once the database is back, without a restart. The application
 * reaches PostgreSQL through a proxy the test can freeze (bytes stop both ways, connections stay
 * open) and close. No answer is timed: on a loaded machine a bound met shows as late, and an answer
 * that never came fails the test by its timeout.
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

/** Each fault's answer, as libs/http/problem.filter.ts gives it. */
const FAULTS = {
  timeout: { retryAfter: '2', detail: 'the database did not answer in time; retry shortly' },
  locked: { retryAfter: '1', detail: 'the data this request needs is locked by other work; retry shortly' },
  unreachable: { retryAfter: '5', detail: 'the database cannot be reached; retry shortly' },
};

/** A 503 DatabaseUnavailable for one of `faults`. */
function expectUnavailable(reply: Awaited<ReturnType<typeof read>>, ...faults: Array<keyof typeof FAULTS>) {
  expect(reply.status).toBe(503);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.body.code).toBe('DatabaseUnavailable');
  expect(faults.map((fault) => FAULTS[fault])).toContainEqual({ retryAfter: reply.headers.get('retry-after'), detail: reply.body.detail });
}

const servesAgain = () =>
  until(async () => (await read()).status === 200 && (await write('7')).status === 200, 'the application serving again', 20_000);

describe('a database that does not answer, is locked or is gone', () => {
  it('frozen: a read and a write answer 503 timed out or unreachable, /health 503 by its own bound, nothing appended', async () => {
    const before = await events();
    proxy.freeze();
    try {
      const [get, put, health] = await Promise.all([read(), write('5'), api.call('GET', '/health')]);
      // A pooled connection times out reading; one being opened cannot connect: either is bounded.
      expectUnavailable(get, 'timeout', 'unreachable');
      expectUnavailable(put, 'timeout', 'unreachable');
      expect(health.status).toBe(503);
      // A statement sent into a frozen network still arrives if the network thaws before the
      // connection is gone (the 503 says so: retry with the same Idempotency-Key). Thaw only once
      // the application has let go of every connection it gave up on, as a real outage would.
      await until(async () => proxy.holding() === 0, 'the application closing the connections it gave up on', 15_000);
    } finally {
      proxy.thaw();
    }
    expect(await events()).toBe(before);
    await servesAgain();
  });

  it('locked by another session: a write answers 503 by the lock timeout, not the statement timeout, and appends nothing', async () => {
    const before = await events();
    const holder = new Client({ connectionString: api.database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE sheets IN ACCESS EXCLUSIVE MODE');
      const [put, get] = await Promise.all([write('6'), read()]);
      // The lock timeout (2 s by default) answered, not the statement timeout (5 s): 'locked', not 'timeout'.
      expectUnavailable(put, 'locked');
      expectUnavailable(get, 'locked');
      expect(await events()).toBe(before);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    await servesAgain();
  });

  it('gone: requests answer 503, not 500, and are served again once it is back', async () => {
    await proxy.close();
    try {
      const [get, put] = await Promise.all([read(), write('8')]);
      expectUnavailable(get, 'unreachable');
      expectUnavailable(put, 'unreachable');
    } finally {
      await proxy.open();
    }
    await servesAgain();
  });
});

describe('a request the server cannot answer in time', () => {
  it('answers 503 RequestTimeout with Retry-After at the handler bound, whatever it waits on', async () => {
    const slow = await startApi({ HTTP_HANDLER_TIMEOUT_MS: '1000', DATABASE_LOCK_TIMEOUT_MS: '0', DATABASE_STATEMENT_TIMEOUT_MS: '0' });
    const holder = new Client({ connectionString: slow.database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE sheets IN ACCESS EXCLUSIVE MODE');
      // With the database's own bounds off, only the handler bound can answer.
      const result = await slow.call('GET', '/api/v1/sheets?fiscalYear=2024');
      expect(result.status).toBe(503);
      expect(result.body.code).toBe('RequestTimeout');
      expect(Number(result.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
      await slow.close();
    }
  });
});

describe('a client that sends its request too slowly', () => {
  it('is cut off at the request bound, so a trickle of requests cannot hold sockets open', async () => {
    const bounded = await startApi({ HTTP_REQUEST_TIMEOUT_MS: '1000' });
    const socket = connect(Number(new URL(bounded.url).port), '127.0.0.1');
    try {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.on('error', () => undefined);
      // Headers begun, never finished. The server closes it well inside this test's timeout:
      // without the bound (120 s by default) or Node's own (60 s), it would not.
      socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      await closed;
    } finally {
      socket.destroy();
      await bounded.close();
    }
  });
});
