import { sql } from 'kysely';
import { Client } from 'pg';
import { startApi, startSecondApi, TestApi, TEST_TOKEN } from '../support/api';
import { KnownTokens } from '@shinchoku/access/application/known-tokens';
import { callAs, issueToken } from '../support/access';
import { until } from '../reminders/support';

const editor = { role: 'editor' as const, department: '西区', unit: '地域課' };

/** The sessions of the API's token listener on the test's database. */
async function listeners(api: TestApi): Promise<number[]> {
  const { rows } = await sql<{ pid: number }>`
    SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'shinchoku-principal-changes'`.execute(
    api.resources.database.db,
  );
  return rows.map((row) => row.pid);
}

/** Runs `work` while another session holds access_tokens locked: a token lookup would wait, then fail 503. */
async function withTokensLocked<T>(api: TestApi, work: () => Promise<T>): Promise<T> {
  const locker = new Client({ connectionString: api.database.url });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE access_tokens IN ACCESS EXCLUSIVE MODE');
    return await work();
  } finally {
    await locker.query('ROLLBACK').catch(() => undefined);
    await locker.end();
  }
}

const listening = async (api: TestApi) => (await listeners(api)).length === 1;

describe('issued tokens from memory', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
    await until(() => listening(api), 'the token listener');
  });
  afterAll(() => api.close());

  it('serves a token it knows without reading the table, checks its expiry to the millisecond, and names its holder', async () => {
    api.clock.set('2024-06-01T09:00:00+09:00');
    const sheet = await api.smallSheet('地域課', '地域活動の活性化', { name: 'SNS発信件数', target: '10件' });
    const { tokenId, token } = await issueToken(api, [editor], { name: '山田 花子', expiresAt: '2024-06-01T10:00:00+09:00' });
    const as = callAs(api, token);
    expect((await as('GET', `/api/v1/sheets/${sheet.sheetId}`)).status).toBe(200);

    await withTokensLocked(api, async () => {
      expect((await as('GET', `/api/v1/sheets/${sheet.sheetId}`)).status).toBe(200);
      const recorded = await as('PUT', `/api/v1/sheets/${sheet.sheetId}/indicators/${sheet.indicatorId}/progress/1`, { value: 3 });
      expect(recorded.status).toBe(200);
      api.clock.set('2024-06-01T09:59:59.999+09:00');
      expect((await as('GET', `/api/v1/sheets/${sheet.sheetId}`)).status).toBe(200);
      api.clock.set('2024-06-01T10:00:00+09:00');
      expect(await as('GET', `/api/v1/sheets/${sheet.sheetId}`)).toMatchObject({
        status: 401,
        body: { code: 'TokenExpired', detail: 'the token has expired' },
      });
    });
    const { body } = await api.call('GET', `/api/v1/sheets/${sheet.sheetId}/events`);
    expect(body.items.at(-1).metadata.actor).toEqual({ id: `token:${tokenId}`, name: '山田 花子' });
  });

  it('refuses a revoked token from the next request on the revoking process, and on the others once the notification lands', async () => {
    api.clock.set('2024-06-02T09:00:00+09:00');
    const { tokenId, token } = await issueToken(api, [editor]);
    const other = await startSecondApi(api);
    try {
      const onOther = () => fetch(`${other.url}/api/v1/sheets`, { headers: { authorization: `Bearer ${token}` } });
      const onFirst = () => callAs(api, token)('GET', '/api/v1/sheets');
      // Both processes know the token now.
      expect((await onFirst()).status).toBe(200);
      await until(async () => (await onOther()).status === 200, 'the second process to serve the token');
      const revoked = await fetch(`${other.url}/api/v1/tokens/${tokenId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${TEST_TOKEN}` },
      });
      expect(revoked.status).toBe(200);
      expect((await onOther()).status).toBe(401);
      // The other process hears the NOTIFY asynchronously (the poll bounds it at TOKEN_CACHE_POLL_MS);
      // how soon is no concern of this test on a loaded machine.
      await until(async () => (await onFirst()).status === 401, 'the first process to refuse the revoked token');
      expect(await onFirst()).toMatchObject({ status: 401, body: { detail: 'the token has been revoked' } });
    } finally {
      await other.close();
    }
  });

  it('listens again, from empty, after its connection is terminated', async () => {
    const { tokenId, token } = await issueToken(api, [editor]);
    const as = callAs(api, token);
    expect((await as('GET', '/api/v1/sheets')).status).toBe(200);
    const [listener] = await listeners(api);
    await sql`SELECT pg_terminate_backend(${listener!}::int)`.execute(api.resources.database.db);
    await until(async () => {
      const now = await listeners(api);
      return now.length === 1 && now[0] !== listener;
    }, 'a new listener');
    // Listening again, from empty: a revocation made now is heard, and one made before the new
    // listener started was never kept. The new session shows before its LISTEN is answered, and
    // only then does the cache serve (and keep) again: until then a lookup is not kept.
    const known = api.app.get(KnownTokens);
    await until(
      async () => (await as('GET', '/api/v1/sheets')).status === 200 && known.tokenIds().includes(tokenId),
      'the token kept again',
    );
    await withTokensLocked(api, async () => expect((await as('GET', '/api/v1/sheets')).status).toBe(200));
  });
});

describe('a lost listener', () => {
  let api: TestApi;
  beforeAll(async () => {
    // A poll far beyond the test: only noticing the lost connection can make the difference.
    api = await startApi({ TOKEN_CACHE_POLL_MS: '60000' });
    await until(() => listening(api), 'the token listener');
  });
  afterAll(() => api.close());

  it('leaves nothing served from memory: a revocation it could not hear counts at once', async () => {
    const { tokenId, token } = await issueToken(api, [editor]);
    const as = callAs(api, token);
    expect((await as('GET', '/api/v1/sheets')).status).toBe(200);
    // A revocation whose announcement went nowhere (written by hand, so nothing notifies): the
    // listener is alive, so the process still trusts what it knows.
    await sql`UPDATE access_tokens SET revoked_at = now() WHERE token_id = ${tokenId}`.execute(api.resources.database.db);
    expect((await as('GET', '/api/v1/sheets')).status).toBe(200);
    const [listener] = await listeners(api);
    await sql`SELECT pg_terminate_backend(${listener!}::int)`.execute(api.resources.database.db);
    await until(async () => (await as('GET', '/api/v1/sheets')).status === 401, 'the token to be looked up again', 20_000);
    expect(await as('GET', '/api/v1/sheets')).toMatchObject({ status: 401, body: { detail: 'the token has been revoked' } });
  });
});
