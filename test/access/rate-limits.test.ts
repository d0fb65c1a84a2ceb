import { sql } from 'kysely';
import { AccessTokens } from '@shinchoku/access';
import { RateCounter } from '@shinchoku/access/application/rate-counter';
import { clientOf } from '@shinchoku/access/http/client-address';
import { loadConfig } from '@shinchoku/system';
import { Json, startApi, startSecondApi, TestApi } from '../support/api';
import { issueToken } from '../support/access';
import { problemsOf } from '../support/config';
import { TEST_REDIS_URL } from '../support/services';
import { freePort } from '../support/app-process';

/** A well-formed token that no one was issued: it reaches the database lookup. */
const UNKNOWN = 'shk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

async function get(
  url: string,
  token: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Json }> {
  const response = await fetch(`${url}/api/v1/sheets`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** Both processes share the test clock: a minute later, every window of these tests has ended. */
const nextWindow = (api: TestApi) => api.clock.set(new Date(api.clock.now().getTime() + 60_000).toISOString());

const statuses = async (url: string, token: string, times: number) => {
  const seen: number[] = [];
  for (let i = 0; i < times; i++) seen.push((await get(url, token)).status);
  return seen;
};

describe('failed authentications from one address', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ AUTH_FAILURES_MAX: '3', AUTH_FAILURES_WINDOW_S: '60' });
  });
  afterAll(() => api.close());

  it('are refused with 429 before any token lookup once over the limit, while the bootstrap admin still gets in', async () => {
    const lookups = jest.spyOn(api.app.get(AccessTokens), 'authenticate');
    expect(await statuses(api.url, UNKNOWN, 3)).toEqual([401, 401, 401]);
    const limited = await get(api.url, UNKNOWN);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(limited.body).toMatchObject({ code: 'TooManyRequests', limit: 'failed-authentications-per-address', max: 3, windowSeconds: 60 });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(lookups).toHaveBeenCalledTimes(4);

    // The flood goes on: no lookup at all, whatever the credential, even with the tokens table gone.
    const db = api.resources.database.db;
    await sql`ALTER TABLE access_tokens RENAME TO access_tokens_away`.execute(db);
    try {
      expect(await statuses(api.url, UNKNOWN, 20)).toEqual(Array(20).fill(429));
      expect(await statuses(api.url, 'shk_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', 5)).toEqual(Array(5).fill(429));
      expect(await statuses(api.url, 'not-even-a-token', 5)).toEqual(Array(5).fill(429));
      // No proxy is trusted: addresses made up in X-Forwarded-For change nothing.
      for (let i = 1; i <= 5; i++) expect((await get(api.url, UNKNOWN, { 'x-forwarded-for': `198.51.100.${i}` })).status).toBe(429);
    } finally {
      await sql`ALTER TABLE access_tokens_away RENAME TO access_tokens`.execute(db);
    }
    expect(lookups).toHaveBeenCalledTimes(4);
    expect((await api.call('GET', '/api/v1/sheets')).status).toBe(200);

    nextWindow(api);
    expect((await get(api.url, UNKNOWN)).status).toBe(401);
  });
});

describe('behind a trusted proxy', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ AUTH_FAILURES_MAX: '2', TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1' });
  });
  afterAll(() => api.close());

  it('counts failures per client named in X-Forwarded-For, its right-most address not a proxy', async () => {
    const from = (chain: string) => get(api.url, UNKNOWN, { 'x-forwarded-for': chain });
    expect((await from('203.0.113.5')).status).toBe(401);
    expect((await from('198.51.100.1, 203.0.113.5, 10.1.2.3')).status).toBe(401);
    expect((await from('203.0.113.5')).status).toBe(429);
    // Another client behind the same proxy, and the proxy itself, are counted on their own.
    expect((await from('203.0.113.6')).status).toBe(401);
    expect((await get(api.url, UNKNOWN)).status).toBe(401);
  });
});

const STORES: Array<[string, Record<string, string>]> = [
  ['PostgreSQL', {}],
  ['Redis', { REDIS_URL: TEST_REDIS_URL }],
];

/** Two API processes over one database (and Redis), with these settings. */
function twoProcesses(env: Record<string, string>) {
  const both = {} as { api: TestApi; other: { url: string; close(): Promise<void> } };
  beforeAll(async () => {
    both.api = await startApi(env);
    both.other = await startSecondApi(both.api, env);
  });
  afterAll(async () => {
    await both.other.close();
    await both.api.close();
  });
  return both;
}

describe.each(STORES)('limits counted in %s hold across two API processes', (_store, storeEnv) => {
  const both = twoProcesses({ ...storeEnv, AUTH_FAILURES_MAX: '4', RATE_LIMIT_MAX: '4', RATE_LIMIT_WINDOW_S: '60' });

  it('failed authentications', async () => {
    const { api, other } = both;
    expect([...(await statuses(api.url, UNKNOWN, 2)), ...(await statuses(other.url, UNKNOWN, 2))]).toEqual([401, 401, 401, 401]);
    expect((await get(api.url, UNKNOWN)).status).toBe(429);
    expect((await get(other.url, UNKNOWN)).status).toBe(429);
  });

  it('requests per credential', async () => {
    const { api, other } = both;
    nextWindow(api); // the address is over its failures from the test before
    const { token } = await issueToken(api, [{ role: 'viewer' }]);
    expect([...(await statuses(api.url, token, 2)), ...(await statuses(other.url, token, 2))]).toEqual([200, 200, 200, 200]);
    const limited = await get(other.url, token);
    expect(limited).toMatchObject({ status: 429, body: { code: 'TooManyRequests', limit: 'requests-per-credential', max: 4 } });
    expect((await get(api.url, token)).status).toBe(429);
  });
});

it('lets requests through, uncounted, while Redis cannot be reached', async () => {
  const api = await startApi({ REDIS_URL: `redis://127.0.0.1:${await freePort()}`, RATE_LIMIT_MAX: '1', AUTH_FAILURES_MAX: '1' });
  try {
    const { token } = await issueToken(api, [{ role: 'viewer' }]);
    expect(await statuses(api.url, token, 3)).toEqual([200, 200, 200]);
    expect(await statuses(api.url, UNKNOWN, 3)).toEqual([401, 401, 401]);
  } finally {
    await api.close();
  }
});

describe.each(STORES)('requests counted in %s a few at a time', (_store, storeEnv) => {
  const both = twoProcesses({ ...storeEnv, RATE_LIMIT_MAX: '100', RATE_LIMIT_WINDOW_S: '60' });

  it('cost a shared count per lease, not per request, and never pass the limit across processes', async () => {
    const { api, other } = both;
    const { token } = await issueToken(api, [{ role: 'viewer' }]);
    const counts = jest.spyOn(api.app.get(RateCounter), 'hit');
    const seen: number[] = [];
    for (let i = 0; i < 60; i++) seen.push((await get(api.url, token)).status, (await get(other.url, token)).status);
    // A lease is a fiftieth of the limit (2 here); what the processes hold unspent at the end may be lost.
    const allowed = seen.filter((status) => status === 200).length;
    expect(allowed).toBeLessThanOrEqual(100);
    expect(allowed).toBeGreaterThanOrEqual(98);
    expect(seen.slice(allowed)).toEqual(Array(120 - allowed).fill(429));
    expect(counts.mock.calls.length).toBeLessThanOrEqual(26);
  });
});

describe('the client an address stands for', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('%s counts as %s', (address, client) => {
    expect(clientOf(address)).toBe(client);
  });
});

describe('limit settings', () => {
  it('default to 100 failed authentications per address a minute, and no trusted proxy', () => {
    expect(loadConfig({})).toMatchObject({ authFailureLimit: { max: 100, windowMs: 60_000 }, trustedProxies: [] });
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, ::1,fd00::/8' }).trustedProxies).toEqual(['10.0.0.0/8', '::1', 'fd00::/8']);
    expect(problemsOf({ AUTH_FAILURES_MAX: '0' })).toEqual(['AUTH_FAILURES_MAX="0": must be a whole number from 1 to 1000000']);
    for (const bad of ['proxy.local', '10.0.0.0/33', '10.0.0.1/8/8', '::1/129']) {
      expect(problemsOf({ TRUSTED_PROXIES: bad })).toEqual([
        `TRUSTED_PROXIES="${bad}": each entry is an IP address or a CIDR range such as 10.0.0.0/8`,
      ]);
    }
  });
});
