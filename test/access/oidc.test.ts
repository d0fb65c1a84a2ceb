import { createServer, type Server } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import { startApi, TestApi } from '../support/api';
import { callAs, eventCount } from '../support/access';

const ISSUER = 'https://idp.city.example.jp/realms/staff';
const AUDIENCE = 'shinchoku';
const KID = 'staff-2024';

let api: TestApi;
let jwks: Server;
let key: CryptoKey;
let forgedKey: CryptoKey;
// The test clock says 2024-04-01 09:00 JST: tokens are issued then and live an hour.
const NOW = Date.parse('2024-04-01T09:00:00+09:00') / 1000;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  forgedKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  // The identity provider's JWKS, served over real HTTP as the API will fetch it.
  jwks = createServer((_request, response) =>
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
  );
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  api = await startApi({
    OIDC_ISSUER: ISSUER,
    OIDC_AUDIENCE: AUDIENCE,
    OIDC_JWKS_URL: `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks`,
    OIDC_GROUPS_CLAIM: 'groups',
    OIDC_GRANTS: JSON.stringify({ '西区-地域課': ['editor:西区/地域課'], 'shinchoku-auditors': ['auditor'] }),
  });
});
afterAll(async () => {
  await api.close();
  await new Promise((resolve) => jwks.close(resolve));
});

function jwt(claims: JWTPayload, options: { signWith?: CryptoKey; audience?: string; issuer?: string; expiresAt?: number } = {}) {
  return new SignJWT({ name: '佐藤 一郎', groups: ['西区-地域課'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: KID })
    .setSubject('u-1234')
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(NOW)
    .setExpirationTime(options.expiresAt ?? NOW + 3600)
    .sign(options.signWith ?? key);
}

describe('SSO with OIDC bearer JWTs', () => {
  it('maps the groups claim to grants and records the person as the actor', async () => {
    const own = await api.smallSheet('地域課', '地域活動の活性化', { name: 'SNS発信件数', target: '10件' });
    const other = await api.smallSheet('保護課', '相談体制の充実', { name: '相談件数', target: '100件' });
    const as = callAs(api, await jwt({}));
    expect((await as('PUT', `/api/v1/sheets/${own.sheetId}/indicators/${own.indicatorId}/progress/1`, { value: 4 })).status).toBe(200);
    const { body } = await api.call('GET', `/api/v1/sheets/${own.sheetId}/events`);
    expect(body.items.at(-1).metadata.actor).toEqual({ id: 'oidc:u-1234', name: '佐藤 一郎' });

    const denied = await as('PUT', `/api/v1/sheets/${other.sheetId}/indicators/${other.indicatorId}/progress/1`, { value: 4 });
    expect(denied).toMatchObject({ status: 403, body: { permission: 'sheet.record' } });
    expect((await as('GET', '/api/v1/audit/verify')).status).toBe(403);
    expect((await callAs(api, await jwt({ groups: ['shinchoku-auditors'] }))('GET', '/api/v1/audit/verify')).status).toBe(200);
  });

  it('a person in no mapped group is signed in but may do nothing, and GET /me says so', async () => {
    const as = callAs(api, await jwt({ groups: ['総務課'] }));
    expect(await as('GET', '/api/v1/sheets')).toMatchObject({ status: 403, body: { permission: 'read' } });
    expect(await as('GET', '/api/v1/me')).toMatchObject({
      status: 200,
      body: { actor: { id: 'oidc:u-1234', name: '佐藤 一郎' }, via: 'oidc', grants: [], permissions: [] },
    });
  });

  it('GET /me names the grants the groups give', async () => {
    expect((await callAs(api, await jwt({}))('GET', '/api/v1/me')).body).toMatchObject({
      via: 'oidc',
      grants: [{ role: 'editor', department: '西区', unit: '地域課' }],
      permissions: [
        { permission: 'read', scopes: [{ department: '西区', unit: '地域課' }] },
        { permission: 'sheet.edit', scopes: [{ department: '西区', unit: '地域課' }] },
        { permission: 'sheet.record', scopes: [{ department: '西区', unit: '地域課' }] },
      ],
    });
  });

  it('keeps a JWT it verified only until its exp, to the second, as jose counts it', async () => {
    const as = callAs(api, await jwt({}, { expiresAt: NOW + 60 }));
    expect((await as('GET', '/api/v1/sheets')).status).toBe(200);
    api.clock.set('2024-04-01T09:00:59.999+09:00');
    expect((await as('GET', '/api/v1/sheets')).status).toBe(200);
    api.clock.set('2024-04-01T09:01:00+09:00');
    expect(await as('GET', '/api/v1/sheets')).toMatchObject({
      status: 401,
      body: { code: 'TokenExpired', detail: expect.stringMatching(/"exp" claim/) },
    });
    api.clock.set('2024-04-01T09:00:00+09:00');
  });

  it.each<[string, () => Promise<string>, RegExp]>([
    ['a bad signature', () => jwt({}, { signWith: forgedKey }), /signature verification failed/],
    ['the wrong audience', () => jwt({}, { audience: 'another-app' }), /"aud" claim/],
    ['the wrong issuer', () => jwt({}, { issuer: 'https://evil.example' }), /"iss" claim/],
    ['an expired token', () => jwt({}, { expiresAt: NOW - 1 }), /"exp" claim/],
  ])('refuses %s with 401 and appends nothing', async (_case, make, reason) => {
    const sheet = (await api.call('GET', '/api/v1/sheets?unit=地域課')).body.items[0];
    const before = await eventCount(api);
    const reply = await callAs(api, await make())('PATCH', `/api/v1/sheets/${sheet.sheetId}`, { purpose: '書き換え' });
    expect(reply.status).toBe(401);
    expect(reply.body.detail).toMatch(reason);
    expect(await eventCount(api)).toBe(before);
  });
});
