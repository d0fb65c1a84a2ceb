import { connect } from 'node:net';
import { PERMISSIONS } from '@shinchoku/access';
import { startApi, TEST_TOKEN, type TestApi } from '../support/api';
import { callAs, issueToken } from '../support/access';

/** GET /me: whoever is signed in learns who they are and what they may do, and nobody else learns anything. */
let api: TestApi;
beforeAll(async () => {
  api = await startApi({ RATE_LIMIT_MAX: '1000' });
});
afterAll(() => api.close());

describe('GET /api/v1/me', () => {
  it('tells the bootstrap administrator who they are: every permission, everywhere', async () => {
    const reply = await api.call('GET', '/api/v1/me');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      actor: { id: 'admin', name: 'Administrator (bootstrap token)' },
      via: 'bootstrap',
      grants: [{ role: 'admin' }],
      permissions: PERMISSIONS.map((permission) => ({ permission, scopes: [{}] })),
    });
  });

  it('tells an issued token its person, its grants by the department’s one name, and where each permission holds', async () => {
    const issued = await issueToken(
      api,
      [
        { role: 'editor', department: '西区役所', unit: '地域課' },
        { role: 'viewer', department: '東区' },
      ],
      { name: '山田 花子' },
    );
    const reply = await callAs(api, issued.token)('GET', '/api/v1/me');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      actor: { id: `token:${issued.tokenId}`, name: '山田 花子' },
      via: 'token',
      grants: [
        { role: 'editor', department: '西区', unit: '地域課' },
        { role: 'viewer', department: '東区' },
      ],
      permissions: [
        { permission: 'read', scopes: [{ department: '西区', unit: '地域課' }, { department: '東区' }] },
        { permission: 'sheet.edit', scopes: [{ department: '西区', unit: '地域課' }] },
        { permission: 'sheet.record', scopes: [{ department: '西区', unit: '地域課' }] },
      ],
    });
  });

  it('refuses a revoked token with 401, like every route', async () => {
    const issued = await issueToken(api, [{ role: 'viewer' }]);
    expect((await api.call('DELETE', `/api/v1/tokens/${issued.tokenId}`)).status).toBe(200);
    expect((await callAs(api, issued.token)('GET', '/api/v1/me')).status).toBe(401);
  });

  it.each<[string, string[], number]>([
    ['no credential', [], 401],
    ['a token nobody issued', [`Authorization: Bearer shk_${'A'.repeat(43)}`], 401],
    ['another scheme', [`Authorization: Basic ${Buffer.from(`admin:${TEST_TOKEN}`).toString('base64')}`], 401],
    ['two tokens in one header', [`Authorization: Bearer ${TEST_TOKEN} ${TEST_TOKEN}`], 401],
    ['a JWT where SSO is not configured', ['Authorization: Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.x'], 401],
    ['a token of 8 KB', [`Authorization: Bearer ${'a'.repeat(8192)}`], 401],
    ['Latin-1 bytes in the token', ['Authorization: Bearer shk_\u00ff\u00fe'], 401],
    ['a second Authorization header after a wrong one', ['Authorization: Bearer shk_wrong', `Authorization: Bearer ${TEST_TOKEN}`], 401],
    ['a control character in the token', ['Authorization: Bearer shk_\u0001abc'], 400],
    ['headers over 16 KB', [`Authorization: Bearer ${'a'.repeat(17_000)}`], 431],
  ])('answers %s with a problem, the token in the query counting for nothing and named nowhere', async (_case, headers, status) => {
    const reply = await raw(`/api/v1/me?token=${TEST_TOKEN}`, headers);
    expect(reply.status).toBe(status);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    if (status === 401) expect(reply.headers['www-authenticate']).toBe('Bearer realm="shinchoku"');
    expect(JSON.parse(reply.body)).toMatchObject({ status });
    expect(reply.body).not.toContain(TEST_TOKEN);
  });
});

/** One request with its header lines sent as bytes (latin1), as no HTTP client would send them. */
function raw(path: string, headerLines: string[]): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const { hostname, port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
    const request = [`GET ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close', ...headerLines, '', ''].join('\r\n');
    // write, not end: a half-closed socket may be closed before the answer is written.
    socket.write(Buffer.from(request, 'latin1'));
  });
}
