import { Json, startApi, startSecondApi, TestApi, TEST_TOKEN } from '../support/api';
import { callAs, eventCount, issueToken } from '../support/access';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const editor = { role: 'editor' as const, department: '西区', unit: '地域課' };

describe('tokens', () => {
  it('is shown once, listed without itself, and names its holder as the actor of what it does', async () => {
    const issued = await api.call('POST', '/api/v1/tokens', { name: '山田 花子', grants: [editor] });
    expect(issued.status).toBe(201);
    // Issued on 2024-04-01 (the test clock): it lasts to the end of fiscal 2024, 31 March 2025 in Tokyo.
    const endOfYear = '2025-03-31T14:59:59.999Z';
    expect(issued.body).toEqual({
      tokenId: expect.any(String),
      token: expect.stringMatching(/^shk_/),
      name: '山田 花子',
      grants: [editor],
      expiresAt: endOfYear,
    });
    const { tokenId, token } = issued.body;

    const listed = await api.call('GET', '/api/v1/tokens');
    const entry = listed.body.items.find((t: { tokenId: string }) => t.tokenId === tokenId);
    expect(entry).toEqual({
      tokenId,
      name: '山田 花子',
      grants: [editor],
      issuedAt: expect.any(String),
      issuedBy: { id: 'admin', name: 'Administrator (bootstrap token)' },
      expiresAt: endOfYear,
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(JSON.stringify(listed.body)).not.toContain(token);

    const sheet = await api.smallSheet('地域課', '地域活動の活性化', { name: 'SNS発信件数', target: '10件' });
    const as = callAs(api, token);
    expect((await as('PUT', `/api/v1/sheets/${sheet.sheetId}/indicators/${sheet.indicatorId}/progress/1`, { value: 3 })).status).toBe(200);
    const { body } = await api.call('GET', `/api/v1/sheets/${sheet.sheetId}/events`);
    expect(body.items.at(-1).metadata.actor).toEqual({ id: `token:${tokenId}`, name: '山田 花子' });
  });

  it('is refused from the very next request once revoked, by every API process', async () => {
    const { tokenId, token } = await issueToken(api, [editor]);
    const as = callAs(api, token);
    // A second API process over the same database, as when the API is scaled out.
    const other = await startSecondApi(api);
    try {
      const asOnOther = (path: string) => fetch(`${other.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect((await as('GET', '/api/v1/sheets')).status).toBe(200);
      expect((await asOnOther('/api/v1/sheets')).status).toBe(200);

      const revoked = await api.call('DELETE', `/api/v1/tokens/${tokenId}`);
      expect(revoked).toMatchObject({ status: 200, body: { tokenId, revokedAt: expect.any(String) } });
      const refused = await as('GET', '/api/v1/sheets');
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ code: 'Unauthenticated', detail: 'the token has been revoked' });
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="shinchoku"');
      expect((await asOnOther('/api/v1/sheets')).status).toBe(401);
    } finally {
      await other.close();
    }
    // Revoking again changes nothing; an unknown token is a 404.
    const before = await eventCount(api);
    expect((await api.call('DELETE', `/api/v1/tokens/${tokenId}`)).status).toBe(200);
    expect(await eventCount(api)).toBe(before);
    expect((await api.call('DELETE', '/api/v1/tokens/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('is revoked once even when two admins revoke it at the same moment', async () => {
    const { tokenId } = await issueToken(api, [editor]);
    const replies = await Promise.all([1, 2].map(() => api.call('DELETE', `/api/v1/tokens/${tokenId}`)));
    expect(replies.map((r) => r.status)).toEqual([200, 200]);
    expect(replies[0]!.body.revokedAt).toBe(replies[1]!.body.revokedAt);
    const stream = await api.resources.store.readStream(`access-token-${tokenId}`);
    expect(stream.map((e) => e.type)).toEqual(['TokenIssued', 'TokenRevoked']);
  });

  it('is refused from the moment it expires', async () => {
    api.clock.set('2024-06-01T09:00:00+09:00');
    const { token } = await issueToken(api, [editor], { expiresAt: '2024-06-01T10:00:00+09:00' });
    const as = callAs(api, token);
    expect((await as('GET', '/api/v1/sheets')).status).toBe(200);
    api.clock.set('2024-06-01T10:00:00+09:00');
    const refused = await as('GET', '/api/v1/sheets');
    expect(refused).toMatchObject({ status: 401, body: { code: 'TokenExpired', detail: 'the token has expired' } });
  });

  it.each<[string, unknown, number, string]>([
    ['an expiry in the past', { name: 'x', grants: [editor], expiresAt: '2020-01-01T00:00:00Z' }, 422, 'body.expiresAt'],
    ['no grants', { name: 'x', grants: [] }, 400, 'body.grants'],
    ['an editor without a unit', { name: 'x', grants: [{ role: 'editor', department: '西区' }] }, 400, 'body.grants[0]'],
    ['an unknown role', { name: 'x', grants: [{ role: 'owner' }] }, 400, 'body.grants[0].role'],
    ['no name', { grants: [editor] }, 400, 'body.name'],
  ])('refuses %s, issuing nothing', async (_case, body, status, path) => {
    const before = await eventCount(api);
    const reply = await api.call('POST', '/api/v1/tokens', body);
    expect(reply.status).toBe(status);
    expect(reply.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await eventCount(api)).toBe(before);
  });
});

describe('authentication', () => {
  it.each<[string, Record<string, string>, string]>([
    ['no Authorization header', {}, 'send Authorization: Bearer <token>'],
    ['another scheme', { authorization: `Basic ${TEST_TOKEN}` }, 'the Authorization header must be "Bearer <token>"'],
    ['an unknown token', { authorization: 'Bearer shk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }, 'the token is not valid'],
    ['something that is no token at all', { authorization: 'Bearer hello' }, 'the token is not valid'],
  ])('%s → 401', async (_case, headers, detail) => {
    const response = await fetch(`${api.url}/api/v1/sheets`, { headers });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ status: 401, code: 'Unauthenticated', detail });
  });

  it('/docs states what each operation requires', async () => {
    const document = (await (await fetch(`${api.url}/docs-json`)).json()) as { paths: Json };
    expect(document.paths['/api/v1/sheets/{sheetId}/indicators/{indicatorId}/progress/{quarter}'].put['x-permission']).toEqual({
      permission: 'sheet.record',
      scope: 'sheet',
    });
    expect(document.paths['/api/v1/tokens'].post['x-permission']).toEqual({ permission: 'tokens.manage', scope: 'organization' });
  });

  it('sends no CORS headers unless CORS_ORIGINS is set (see hardening.test.ts for when it is)', async () => {
    const response = await fetch(`${api.url}/api/v1/sheets`, {
      headers: { origin: 'https://portal.city.example.jp', authorization: `Bearer ${TEST_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('the bootstrap admin token keeps working as admin', async () => {
    expect((await api.call('GET', '/api/v1/tokens')).status).toBe(200);
    expect((await api.call('GET', '/api/v1/audit/verify')).status).toBe(200);
  });
});
