import { AccessTokens, defaultExpiry, NotAuthenticated, type Grant } from '@shinchoku/access';
import { loadConfig } from '@shinchoku/system';
import { EventStore } from '@shinchoku/event-store';
import { systemClock } from '@shinchoku/runtime';
import { startApi, TestApi } from '../support/api';
import { callAs, issueToken } from '../support/access';
import { problemsOf } from '../support/config';
import { runShinchoku, budgetFor } from '../support/app-process';
import { createTestDatabase, uniquePrefix } from '../support/test-database';
import { until } from '../reminders/support';

// Tests here run the built CLI (one per test at most): see budgetFor.
jest.setTimeout(budgetFor(1));

/** People change posts every April (人事異動): tokens end with the fiscal year unless the issuer says otherwise. */
describe('the default expiry', () => {
  it.each([
    ['2024-04-01T00:00:00+09:00', '2025-03-31T23:59:59.999+09:00'],
    ['2025-03-31T23:59:59+09:00', '2025-03-31T23:59:59.999+09:00'],
    // 15:00 UTC on 31 March is already 1 April in Tokyo: the next fiscal year.
    ['2025-03-31T15:00:00Z', '2026-03-31T23:59:59.999+09:00'],
    ['2024-12-31T20:00:00Z', '2025-03-31T23:59:59.999+09:00'],
  ])('of a token issued at %s is the end of its fiscal year, %s', (issued, expires) => {
    expect(defaultExpiry(new Date(issued), 'fiscal-year-end')).toEqual(new Date(expires));
  });

  it('can be a number of days, or none', () => {
    expect(defaultExpiry(new Date('2024-06-01T00:00:00Z'), { days: 30 })).toEqual(new Date('2024-07-01T00:00:00Z'));
    expect(defaultExpiry(new Date('2024-06-01T00:00:00Z'), 'none')).toBeNull();
  });

  it('is set by TOKEN_DEFAULT_EXPIRY, fiscal-year-end unless said otherwise', () => {
    expect(loadConfig({}).tokenDefaultExpiry).toBe('fiscal-year-end');
    expect(loadConfig({ TOKEN_DEFAULT_EXPIRY: 'none' }).tokenDefaultExpiry).toBe('none');
    expect(loadConfig({ TOKEN_DEFAULT_EXPIRY: '90' }).tokenDefaultExpiry).toEqual({ days: 90 });
    for (const bad of ['0', '3651', 'never', '1.5', '-3']) {
      expect(problemsOf({ TOKEN_DEFAULT_EXPIRY: bad })).toEqual([
        `TOKEN_DEFAULT_EXPIRY="${bad}": must be 'fiscal-year-end', 'none' or a number of days from 1 to 3650`,
      ]);
    }
  });
});

describe('tokens over HTTP', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  const viewer: Grant = { role: 'viewer', department: '西区' };
  const listed = async (tokenId: string) =>
    (
      (await api.call('GET', '/api/v1/tokens')).body.items as Array<{
        tokenId: string;
        expiresAt: string | null;
        lastUsedAt: string | null;
      }>
    ).find((t) => t.tokenId === tokenId)!;

  it('works to the last millisecond of the fiscal year, then answers 401 TokenExpired', async () => {
    api.clock.set('2025-03-01T10:00:00+09:00');
    const { tokenId, token } = await issueToken(api, [viewer]);
    expect((await listed(tokenId)).expiresAt).toBe('2025-03-31T14:59:59.999Z');
    api.clock.set('2025-03-31T23:59:59.998+09:00');
    expect((await callAs(api, token)('GET', '/api/v1/sheets')).status).toBe(200);
    api.clock.set('2025-04-01T00:00:00+09:00');
    expect(await callAs(api, token)('GET', '/api/v1/sheets')).toMatchObject({
      status: 401,
      body: { code: 'TokenExpired', detail: 'the token has expired' },
    });
  });

  it('takes an explicit expiry over the default, even past the fiscal year', async () => {
    api.clock.set('2024-04-01T09:00:00+09:00');
    const reply = await api.call('POST', '/api/v1/tokens', { name: '外部 連携', grants: [viewer], expiresAt: '2026-06-30T00:00:00+09:00' });
    expect(reply).toMatchObject({ status: 201, body: { expiresAt: '2026-06-29T15:00:00.000Z' } });
  });

  it('shows its last use, written at most once a minute', async () => {
    api.clock.set('2024-05-01T09:00:00+09:00');
    const { tokenId, token } = await issueToken(api, [viewer]);
    expect((await listed(tokenId)).lastUsedAt).toBeNull();
    const use = async (at: string) => {
      api.clock.set(at);
      expect((await callAs(api, token)('GET', '/api/v1/sheets')).status).toBe(200);
    };
    await use('2024-05-01T09:00:00+09:00');
    await until(async () => (await listed(tokenId)).lastUsedAt === '2024-05-01T00:00:00.000Z', 'the first use to be recorded');
    // A use 30 s later writes nothing: had it written, the use at +61 s (less than a minute after it) would be skipped.
    await use('2024-05-01T09:00:30+09:00');
    await use('2024-05-01T09:01:01+09:00');
    await until(async () => (await listed(tokenId)).lastUsedAt === '2024-05-01T00:01:01.000Z', 'the use a minute later to be recorded');
  });
});

describe('shinchoku tokens revoke --department', () => {
  it('revokes every working token with a grant in the department, says how many, and leaves the others', async () => {
    const database = await createTestDatabase(2);
    try {
      const tokens = new AccessTokens(database.db, new EventStore(database.db), systemClock);
      const cli = { id: 'cli', name: 'test' };
      const issue = async (grants: Grant[], expiresAt?: Date) =>
        tokens.issue({ name: 'x', grants, ...(expiresAt && { expiresAt }) }, cli, 'test');
      const west = [
        await issue([{ role: 'editor', department: '西区', unit: '地域課' }]),
        await issue([{ role: 'coordinator', department: '西区役所' }]),
        await issue([
          { role: 'viewer', department: '東区' },
          { role: 'viewer', department: '西区' },
        ]),
      ];
      const others = [await issue([{ role: 'viewer', department: '東区' }]), await issue([{ role: 'admin' }])];
      const alreadyRevoked = await issue([{ role: 'viewer', department: '西区' }]);
      await tokens.revoke(alreadyRevoked.tokenId, cli, 'test');

      const run = runShinchoku(['tokens', 'revoke', '--department', '西区'], { DATABASE_URL: database.url, QUEUE_PREFIX: uniquePrefix() });
      expect(await run.exited).toBe(0);
      expect(run.output()).toContain(`"revoked": 3,\n  "tokenIds": [\n${west.map((t) => `    "${t.tokenId}"`).join(',\n')}\n  ]`);
      expect(run.output()).toContain('revoked 3 tokens holding a grant in 西区');
      for (const { token } of west)
        await expect(tokens.authenticate(token)).rejects.toThrow(new NotAuthenticated('the token has been revoked'));
      for (const { token } of others) await expect(tokens.authenticate(token)).resolves.toMatchObject({ via: 'token' });
    } finally {
      await database.close();
    }
  });

  it.each([
    [['tokens', 'revoke', '--department', ' '], 'token revoke --department needs a department name, and no token id'],
    [['tokens', 'revoke', '--department', '西区', '00000000-0000-4000-8000-000000000000'], 'and no token id'],
  ])('%j is a usage error (64)', async (args, message) => {
    const run = runShinchoku(args, { DATABASE_URL: 'postgres://nowhere.invalid/x' });
    expect(await run.exited).toBe(64);
    expect(run.output()).toContain(message);
  });
});
