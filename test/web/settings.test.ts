import { TEST_TOKEN } from '../support/api';
import { signIn } from './support/browser';
import { useWebApp } from './support/web-app';

/**
 * The settings page in a real Chromium against the real server: an administrator changes the
 * closed days with a reason and sees the change and its history; a stale page gets the conflict;
 * a coordinator, who may read but not change them, is offered no change.
 */
const web = useWebApp();
const SETTINGS = '/api/v1/settings/reminders';
const changeForm = () => web.page.getByRole('form', { name: '設定の変更' });

describe('the settings web.page', () => {
  it('shows the policy and closed days with where they come from: the environment before any change', async () => {
    await signIn(web.page, web.api.url, TEST_TOKEN);
    await web.page.getByRole('link', { name: '設定' }).click();
    await web.page.getByRole('heading', { name: '通知の方針' }).waitFor();
    await expect(web.page.getByRole('region', { name: '通知の方針' }).textContent()).resolves.toMatch(
      /評価日の前.*14開庁日前.*環境変数 REMINDER_POLICY/,
    );
    await expect(web.page.getByRole('region', { name: '閉庁日' }).textContent()).resolves.toContain('環境変数 REMINDER_CLOSED_DAYS');
    await expect(web.page.getByRole('region', { name: '変更の履歴' }).textContent()).resolves.toContain('まだ変更はありません');
    await web.expectAccessible();
  });

  it('adds a closed day with a required reason, sent with If-Match, then lists it and its history', async () => {
    const form = changeForm();
    await form.getByLabel('追加する閉庁日').fill('2026-12-28');
    const reason = form.getByLabel('理由（必須）');
    await expect(reason.getAttribute('required')).resolves.not.toBeNull();
    // Keyboard only: from the reason, Tab reaches the button and Enter saves.
    await reason.fill('年末の庁舎点検');
    await reason.press('Tab');
    await web.page.keyboard.press('Enter');
    await web.page.getByRole('status').filter({ hasText: '設定を変更しました' }).waitFor();
    await web.page.getByRole('list', { name: '閉庁日の一覧' }).locator('time[datetime="2026-12-28"]').waitFor();
    await expect(web.page.getByRole('region', { name: '閉庁日' }).textContent()).resolves.toMatch(
      /Administrator.*による変更.*理由：年末の庁舎点検/,
    );
    await expect(web.page.getByRole('row', { name: /年末の庁舎点検/ }).textContent()).resolves.toMatch(
      /Administrator.*閉庁日を追加 2026-12-28/,
    );
    expect((await web.api.call('GET', SETTINGS)).body).toMatchObject({ closedDays: ['2026-12-28'], version: 1 });
    await web.expectAccessible();
  });

  it('says so when another administrator changed the settings meanwhile, and changes nothing', async () => {
    const theirs = await web.api.call('PATCH', SETTINGS, { addClosedDays: ['2026-12-29'], reason: '別の管理者' }, { 'if-match': '"1"' });
    expect(theirs.status).toBe(200);
    const form = changeForm();
    await form.getByLabel('評価日を過ぎてから督促する開庁日数').fill('12');
    await form.getByLabel('理由（必須）').fill('督促を延ばす');
    await form.getByRole('button', { name: '変更を保存' }).click();
    const alert = web.page.getByRole('alert');
    await expect(alert.textContent()).resolves.toContain('他の管理者が設定を変更しました');
    expect((await web.api.call('GET', SETTINGS)).body.policy.overdue.businessDays).toBe(10);
    await web.expectAccessible();
    await alert.getByRole('button', { name: '最新の設定を読み込む' }).click();
    await web.page.getByRole('list', { name: '閉庁日の一覧' }).locator('time[datetime="2026-12-29"]').waitFor();
    await expect(web.page.getByRole('alert').count()).resolves.toBe(0);
  });

  it('shows a coordinator, who may read the settings but not change them, no change form', async () => {
    const issued = await web.api.call('POST', '/api/v1/tokens', { name: '区 調整', grants: [{ role: 'coordinator', department: '西区' }] });
    expect(issued.status).toBe(201);
    const coordinator = await web.newPage();
    try {
      await signIn(coordinator, web.api.url, issued.body.token);
      await coordinator.getByRole('link', { name: '設定' }).click();
      await coordinator.getByRole('heading', { name: '変更の履歴' }).waitFor();
      await coordinator.getByRole('list', { name: '閉庁日の一覧' }).locator('time[datetime="2026-12-29"]').waitFor();
      await expect(coordinator.getByRole('form', { name: '設定の変更' }).count()).resolves.toBe(0);
      await expect(coordinator.getByRole('button', { name: '変更を保存' }).count()).resolves.toBe(0);
    } finally {
      await coordinator.close();
    }
  });
});
