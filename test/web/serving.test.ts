import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
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

  it('sends each asset compressed as the browser accepts (brotli, else gzip), the same bytes once decompressed', async () => {
    const html = await (await get('/')).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    let plainBytes = 0;
    let brotliBytes = 0;
    for (const asset of assets) {
      const plain = await raw(asset, 'identity');
      expect(plain.headers['content-encoding']).toBeUndefined();
      const brotli = await raw(asset, 'gzip, deflate, br');
      expect(brotli.headers['content-encoding']).toBe('br');
      expect(brotli.headers.vary).toMatch(/accept-encoding/i);
      expect(brotliDecompressSync(brotli.body).equals(plain.body)).toBe(true);
      const gzip = await raw(asset, 'gzip');
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
      plainBytes += plain.body.length;
      brotliBytes += brotli.body.length;
    }
    expect(brotliBytes).toBeLessThan(plainBytes / 2);
  });

  it.each([
    ['br;q=0, gzip', 'gzip'],
    ['*;q=0, identity', undefined],
    [';;;,,q=abc, br;q=x', undefined],
    ['x'.repeat(8000), undefined],
    ['BR', 'br'],
  ])('answers Accept-Encoding %j with an encoding it allows (%s), never an error', async (acceptEncoding, expected) => {
    const html = await (await get('/')).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const plain = await raw(asset, 'identity');
    const answer = await raw(asset, acceptEncoding);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe(expected);
    const body = expected === 'br' ? brotliDecompressSync(answer.body) : expected === 'gzip' ? gunzipSync(answer.body) : answer.body;
    expect(body.equals(plain.body)).toBe(true);
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

/** A response as sent, not decompressed (fetch would undo the content encoding). */
function raw(
  path: string,
  acceptEncoding: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(`${api.url}${path}`, { headers: { 'accept-encoding': acceptEncoding } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}
