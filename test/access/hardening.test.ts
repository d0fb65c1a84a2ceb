import { loadConfig } from '@shinchoku/system';
import { startApi, TestApi } from '../support/api';
import { problemsOf } from '../support/config';
import { callAs, issueToken } from '../support/access';

describe('rate limit, security headers and CORS', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_S: '60', CORS_ORIGINS: 'https://portal.city.example.jp' });
  });
  afterAll(() => api.close());

  it('limits each token on its own, with 429 problem+json and Retry-After; the bootstrap admin is never limited', async () => {
    const first = callAs(api, (await issueToken(api, [{ role: 'viewer' }])).token);
    const second = callAs(api, (await issueToken(api, [{ role: 'viewer' }])).token);
    for (let i = 0; i < 3; i++) expect((await first('GET', '/api/v1/sheets')).status).toBe(200);
    const limited = await first('GET', '/api/v1/ward-plans');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(limited.body).toMatchObject({ status: 429, code: 'TooManyRequests' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await second('GET', '/api/v1/sheets')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await api.call('GET', '/api/v1/sheets')).status).toBe(200);
  });

  it.each([
    ['a success', '/api/v1/sheets', 200],
    ['an unknown route', '/api/v1/nowhere', 404],
    ['an unauthenticated request', '/api/v1/sheets', 401],
  ])('sets the security headers on %s', async (_case, path, status) => {
    const response = await fetch(
      `${api.url}${path}`,
      status === 401 ? {} : { headers: { authorization: 'Bearer test-admin-token-0123456789' } },
    );
    expect(response.status).toBe(status);
    expect(
      Object.fromEntries(
        ['x-content-type-options', 'x-frame-options', 'content-security-policy', 'referrer-policy'].map((h) => [
          h,
          response.headers.get(h),
        ]),
      ),
    ).toEqual({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'referrer-policy': 'no-referrer',
    });
  });

  it('answers CORS for the configured origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${api.url}/api/v1/sheets`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
    expect((await preflight('https://portal.city.example.jp')).headers.get('access-control-allow-origin')).toBe(
      'https://portal.city.example.jp',
    );
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('access settings', () => {
  it('reads a complete OIDC configuration, grants in the CLI form', () => {
    const config = loadConfig({
      OIDC_ISSUER: 'https://idp.example.jp',
      OIDC_AUDIENCE: 'shinchoku',
      OIDC_JWKS_URL: 'https://idp.example.jp/jwks',
      OIDC_GRANTS: '{"nishi": ["editor:西区/地域課", "viewer:西区"]}',
    });
    expect(config.oidc).toEqual({
      issuer: 'https://idp.example.jp',
      audience: 'shinchoku',
      jwksUrl: 'https://idp.example.jp/jwks',
      groupsClaim: 'groups',
      nameClaim: 'name',
      grants: {
        nishi: [
          { role: 'editor', department: '西区', unit: '地域課' },
          { role: 'viewer', department: '西区' },
        ],
      },
    });
    expect(config.rateLimit).toEqual({ max: 600, windowMs: 60_000 });
    expect(config.corsOrigins).toEqual([]);
  });

  const OIDC = {
    OIDC_ISSUER: 'https://idp.example.jp',
    OIDC_AUDIENCE: 'shinchoku',
    OIDC_JWKS_URL: 'https://idp.example.jp/jwks',
    OIDC_GRANTS: '{"nishi": ["viewer:西区"]}',
  };
  const SIGN_IN = {
    OIDC_CLIENT_ID: 'shinchoku-web',
    OIDC_AUTHORIZATION_URL: 'https://idp.example.jp/authorize?prompt=login',
    OIDC_TOKEN_URL: 'https://idp.example.jp/token',
  };

  it('reads sign-in from the web app: endpoints, client id and the default scope, nothing secret', () => {
    expect(loadConfig({ ...OIDC, ...SIGN_IN }).oidc?.signIn).toEqual({
      clientId: 'shinchoku-web',
      authorizationUrl: 'https://idp.example.jp/authorize?prompt=login',
      tokenUrl: 'https://idp.example.jp/token',
      scope: 'openid profile',
    });
    expect(loadConfig({ ...OIDC, ...SIGN_IN, OIDC_SCOPE: 'openid api://shinchoku/.default' }).oidc?.signIn?.scope).toBe(
      'openid api://shinchoku/.default',
    );
    expect(loadConfig(OIDC).oidc?.signIn).toBeUndefined();
  });

  it.each<[Record<string, string>, string]>([
    [
      { ...OIDC, OIDC_CLIENT_ID: 'shinchoku-web' },
      'OIDC_TOKEN_URL=(value hidden): must be set when any of OIDC_CLIENT_ID, OIDC_AUTHORIZATION_URL, OIDC_TOKEN_URL is',
    ],
    [SIGN_IN, 'OIDC_ISSUER=undefined: must be set when any of OIDC_CLIENT_ID, OIDC_AUTHORIZATION_URL, OIDC_TOKEN_URL is'],
    [{ ...OIDC, ...SIGN_IN, OIDC_CLIENT_ID: 'shinchoku web' }, 'OIDC_CLIENT_ID="shinchoku web": must be 1–200 visible ASCII characters'],
    [{ ...OIDC, ...SIGN_IN, OIDC_CLIENT_ID: 'ウェブ' }, 'OIDC_CLIENT_ID="ウェブ": must be 1–200 visible ASCII characters'],
    [
      { ...OIDC, ...SIGN_IN, OIDC_CLIENT_ID: 'x'.repeat(201) },
      `OIDC_CLIENT_ID="${'x'.repeat(201)}": must be 1–200 visible ASCII characters`,
    ],
    [
      { ...OIDC, ...SIGN_IN, OIDC_AUTHORIZATION_URL: 'javascript:alert(1)' },
      'OIDC_AUTHORIZATION_URL=(value hidden): must be a URL starting with https:// or http://',
    ],
    [
      { ...OIDC, ...SIGN_IN, OIDC_TOKEN_URL: 'https://user:secret@idp.example.jp/token' },
      'OIDC_TOKEN_URL=(value hidden): must carry no user:password@ and no #fragment',
    ],
    [
      { ...OIDC, ...SIGN_IN, OIDC_AUTHORIZATION_URL: 'https://idp.example.jp/authorize#x' },
      'OIDC_AUTHORIZATION_URL=(value hidden): must carry no user:password@ and no #fragment',
    ],
    [
      { ...OIDC, ...SIGN_IN, OIDC_SCOPE: 'openid  "profile"' },
      'OIDC_SCOPE="openid  \\"profile\\"": must be scopes separated by single spaces, such as "openid profile"',
    ],
    [
      { OIDC_ISSUER: 'https://idp.example.jp' },
      'OIDC_AUDIENCE=undefined: must be set when any of OIDC_ISSUER, OIDC_AUDIENCE, OIDC_JWKS_URL, OIDC_GRANTS is',
    ],
    [{ OIDC_GRANTS: 'not json' }, 'OIDC_GRANTS="not json": must be a JSON object of group → ["role[:department[/unit]]", ...]'],
    [{ OIDC_GRANTS: '{"g": ["editor:西区"]}' }, 'OIDC_GRANTS="{\\"g\\": [\\"editor:西区\\"]}": g: editor needs a department and a unit'],
    [{ OIDC_JWKS_URL: 'ftp://idp' }, 'OIDC_JWKS_URL="ftp://idp": must be a URL starting with https:// or http://'],
    [{ RATE_LIMIT_MAX: '0' }, 'RATE_LIMIT_MAX="0": must be a whole number from 1 to 1000000'],
    [{ CORS_ORIGINS: 'https://a.example/path' }, 'CORS_ORIGINS="https://a.example/path": each origin is scheme://host[:port], no path'],
  ])('refuses %j', (env, problem) => {
    expect(problemsOf(env)).toContain(problem);
  });
});
