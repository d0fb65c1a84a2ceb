import { webAppCsp } from '../../apps/api/src/web-app';
import { startFakeIdp, type FakeIdp } from './support/fake-idp';
import { useWebApp } from './support/web-app';

/**
 * Sign-in through the identity provider (authorization code + PKCE) in a real Chromium, against
 * a provider in the test that checks the verifier: the person lands on their sheets with the
 * grants their groups give; a forged state, a refusal and a failed exchange are each shown and
 * keep nothing.
 */
let idp: FakeIdp;
beforeAll(async () => {
  idp = await startFakeIdp();
  idp.person.groups = ['西区-地域課'];
});
afterAll(() => idp?.close());

const web = useWebApp(
  async (api) => {
    await api.smallSheet('地域課', '地域活動の活性化', { name: 'SNS発信件数', target: '10件' });
    await api.smallSheet('保護課', '相談体制の充実', { name: '相談件数', target: '100件' });
  },
  { env: () => idp.environment({ '西区-地域課': ['editor:西区/地域課'] }) },
);

const signInButton = () => web.page.getByRole('button', { name: 'シングルサインオン' });
// Evaluated in the page (this project's types have no DOM).
const stored = () => web.page.evaluate<string[]>('Object.keys(sessionStorage)');

describe('single sign-on', () => {
  it('lets the page reach the token endpoint’s origin, and no other', async () => {
    const response = await fetch(`${web.api.url}/login`);
    expect(response.headers.get('content-security-policy')).toBe(webAppCsp(`${idp.origin}/token`));
    expect(response.headers.get('content-security-policy')).toContain(`connect-src 'self' ${idp.origin};`);
  });

  it('signs in by SSO and lands on /sheets, showing what the groups’ grants allow', async () => {
    await web.page.goto(`${web.api.url}/sheets`);
    await signInButton().click();
    await web.page.getByRole('heading', { name: 'マイシート' }).waitFor();
    expect(new URL(web.page.url()).pathname).toBe('/sheets');
    expect(web.page.url()).not.toContain('code=');
    await expect(web.page.getByRole('banner').textContent()).resolves.toContain('ログイン中：佐藤 一郎');
    await web.page.getByRole('row', { name: /地域課/ }).waitFor();
    await expect(web.page.getByRole('row', { name: /保護課/ }).count()).resolves.toBe(0);
    // Only the access token is kept: the verifier, state and nonce were used once and are gone.
    expect(await stored()).toEqual(['shinchoku.token']);
    const token = await web.page.evaluate<string | null>("sessionStorage.getItem('shinchoku.token')");
    expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString())).toMatchObject({ aud: 'shinchoku' });
    await web.expectAccessible();
    await web.page.goto(`${web.api.url}/sheets`);
    await web.page.getByRole('button', { name: 'ログアウト' }).click();
    await web.page.getByRole('heading', { name: 'ログイン' }).waitFor();
    expect(await stored()).toEqual([]);
  });

  it.each<[string, FakeIdp['next'], RegExp]>([
    ['an answer whose state is not the one sent (CSRF)', 'forged-state', /要求と応答が一致しません（state）/],
    ['the provider’s refusal', 'access-denied', /認証サーバーがサインインを断りました（access_denied：the person is not allowed/],
    ['a code the verifier does not match', 'wrong-challenge', /トークンを受け取れませんでした（invalid_grant）/],
  ])('refuses %s, saying so, and keeps no token', async (_case, next, message) => {
    await web.page.goto(`${web.api.url}/login`);
    idp.next = next;
    await signInButton().click();
    const alert = web.page.getByRole('alert');
    await expect(alert.textContent()).resolves.toMatch(message);
    expect(new URL(web.page.url()).search).toBe('');
    expect(await stored()).toEqual([]);
    await web.expectAccessible();
    await web.page.getByRole('link', { name: 'ログイン画面に戻る' }).click();
    await signInButton().waitFor();
  });
});
