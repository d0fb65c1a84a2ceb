import { startApi, type TestApi } from '../support/api';
import { webAppCsp } from '../../apps/api/src/web-app';

/** The app is served by the API process at `/` without taking any path the API, docs or probes answer. */
let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const get = (path: string) => fetch(`${api.url}${path}`);
const APP_MARK = '<div id="root">';

describe('the web app at /', () => {
  it.each([
    '/',
    '/login',
    '/login/callback?code=x&state=y',
    '/sheets',
    '/sheets/7f3c2a3e-0000-4000-8000-000000000000',
    '/sheets/7f3c2a3e-0000-4000-8000-000000000000/history',
    '/ward?department=西区',
    '/import',
    '/reminders',
    '/settings',
  ])('%s answers the page, never cached, under its own CSP', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toBe(webAppCsp());
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(await response.text()).toContain(APP_MARK);
  });

  it('serves the hashed assets for a year, immutable', async () => {
    const html = await (await get('/')).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      const response = await get(asset);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-type')).toMatch(/^(text\/javascript|application\/javascript|text\/css)/);
    }
  });

  it.each([
    ['/api/v1/sheets', 401],
    ['/api/v1/nothing-here', 404],
    ['/health', 200],
    ['/metrics', 200],
    ['/docs-json', 200],
    ['/openapi.json', undefined],
    ['/assets/missing-0000.js', 404],
    ['/sheets/x/y/z', 404],
    ['/login/../api/v1/sheets', undefined],
  ])('leaves %s to what answers it (never the page)', async (path, status) => {
    const response = await get(path);
    if (status !== undefined) expect(response.status).toBe(status);
    expect(await response.text()).not.toContain(APP_MARK);
  });

  it('keeps the API strict: its own CSP, not the page’s', async () => {
    const response = await get('/api/v1/sheets');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});
