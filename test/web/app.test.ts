import { join } from 'node:path';
import { TEST_TOKEN } from '../support/api';
import { enterSheet, indicatorsOf, type EnteredSheet } from '../support/seed-entry';
import { summarise } from '../support/summaries';
import { 西区地域課 } from '../fixtures/seed-sheets';
import { signIn } from './support/browser';
import { useWebApp } from './support/web-app';

/**
 * The web app in a real Chromium against the real server on a real database: each page driven as
 * a person would, by its labels and roles, and checked with axe-core.
 */
let entered: EnteredSheet;
const SNS = 'SNSによる情報発信件数';

const web = useWebApp(async (api) => {
  api.clock.set('2024-10-05T10:00:00+09:00');
  entered = await enterSheet(api, 西区地域課);
  for (const { indicator, indicatorId } of indicatorsOf(西区地域課, entered)) {
    const reply = await api.call('PUT', `/api/v1/sheets/${entered.sheetId}/indicators/${indicatorId}/progress/1`, {
      value: indicator.progress![0],
    });
    expect(reply.status).toBe(200);
  }
});
const sheet = async () => (await web.api.call('GET', `/api/v1/sheets/${entered.sheetId}`, undefined, { 'cache-control': 'no-cache' })).body;
const snsId = () => entered.goals[0]!.indicatorIds[0]!;

describe('sign in', () => {
  it('refuses a wrong token, saying so, and keeps nothing', async () => {
    await web.page.goto(`${web.api.url}/sheets`);
    await web.page.getByRole('heading', { name: 'ログイン' }).waitFor();
    await web.expectAccessible();
    // Keyboard only: the field takes focus first, Enter submits.
    await web.page.keyboard.press('Tab');
    await web.page.keyboard.type('shk_not-a-token');
    await expect(web.page.getByLabel('トークン').inputValue()).resolves.toBe('shk_not-a-token');
    await web.page.keyboard.press('Enter');
    await expect(web.page.getByRole('alert').textContent()).resolves.toContain('トークンが正しくない');
    expect(await web.page.evaluate('sessionStorage.length')).toBe(0);
  });

  it('signs in with a token kept in sessionStorage, never in the URL, and lists the sheets with their state in words', async () => {
    await signIn(web.page, web.api.url, TEST_TOKEN);
    expect(web.page.url()).not.toContain(TEST_TOKEN);
    expect(await web.page.evaluate('Object.values(sessionStorage)')).toEqual([TEST_TOKEN]);
    const row = web.page.getByRole('row', { name: /地域課/ });
    await expect(row.textContent()).resolves.toMatch(/令和6年度.*西区.*地域課.*実施中.*(順調|注意|遅れ)/);
    await web.expectAccessible();
  });

  it('filters by 年度, 部, 課 and status', async () => {
    await web.page.getByLabel('状態').selectOption({ label: '確定' });
    await web.page.getByText('0件のシート').waitFor();
    expect(web.page.url()).toContain('status=closed');
    await web.page.getByLabel('状態').selectOption({ label: 'すべて' });
    await web.page.getByLabel('課').selectOption('地域課');
    await web.page.getByText('1件のシート').waitFor();
  });
});

describe('the sheet', () => {
  it('records a quarter: the input named for its indicator and quarter, saved with If-Match', async () => {
    await web.page.getByRole('link', { name: '地域課' }).click();
    const q2 = web.page.getByRole('textbox', { name: `${SNS} 第2四半期` });
    await q2.fill('100');
    await web.page.getByLabel('備考').fill('9月末の件数');
    await web.page.getByRole('button', { name: '保存', exact: true }).click();
    await web.page.getByRole('status').filter({ hasText: '1件を保存しました' }).waitFor();
    const recorded = (await sheet()).goals[0].indicators[0].progress['2'];
    expect(recorded).toMatchObject({ value: { text: '100', value: 100 }, note: '9月末の件数' });
    await expect(web.page.getByRole('img', { name: `${SNS}の推移` }).count()).resolves.toBe(1);
    await web.expectAccessible();
  });

  it('shows the conflict when someone else saved meanwhile, with both values, and overwrites nothing', async () => {
    const theirs = await web.api.call('PUT', `/api/v1/sheets/${entered.sheetId}/indicators/${snsId()}/progress/3`, { value: '150' });
    expect(theirs.status).toBe(200);
    await web.page.getByRole('textbox', { name: `${SNS} 第3四半期` }).fill('160');
    await web.page.getByRole('button', { name: '保存', exact: true }).click();
    const alert = web.page.getByRole('alert');
    await alert.waitFor();
    const text = await alert.textContent();
    expect(text).toContain('他の人が変更');
    expect(text).toContain(`${SNS} 第3四半期`);
    expect(text).toContain('160');
    expect(text).toContain('150');
    expect((await sheet()).goals[0].indicators[0].progress['3'].value.text).toBe('150');
    // What the person typed stays; saving again, having seen theirs, is a deliberate correction.
    await expect(web.page.getByRole('textbox', { name: `${SNS} 第3四半期` }).inputValue()).resolves.toBe('160');
    await web.expectAccessible();
    await web.page.getByLabel('修正の理由').fill('集計漏れを訂正');
    await web.page.getByLabel('修正の理由').press('Enter');
    await web.page.getByRole('status').filter({ hasText: '1件を保存しました' }).waitFor();
    expect((await sheet()).goals[0].indicators[0].progress['3']).toMatchObject({ value: { text: '160' }, reason: '集計漏れを訂正' });
  });

  it('evaluates a goal with ○△×, the suggested rating shown', async () => {
    const form = web.page.getByRole('form', { name: '目標1の評価' });
    await expect(form.textContent()).resolves.toContain('提案される評価');
    await form.getByLabel('△ 一部達成').check();
    await form.getByLabel('達成状況').fill('発信件数は目安に届いていない');
    await form.getByRole('button', { name: '評価を保存' }).click();
    await web.page.getByRole('status').filter({ hasText: '評価を保存しました' }).waitFor();
    expect((await sheet()).goals[0].evaluation).toMatchObject({ rating: '△', status: '発信件数は目安に届いていない' });
  });

  it('asks for the reason when the rating differs from the suggested one', async () => {
    // The suggestion needs results: record them all as met for goal 1.
    for (const [i, indicatorId] of entered.goals[0]!.indicatorIds.entries()) {
      const reply = await web.api.call('PUT', `/api/v1/sheets/${entered.sheetId}/indicators/${indicatorId}/result`, {
        value: i === 0 ? '200' : '2',
      });
      expect(reply.status).toBe(200);
    }
    await web.page.reload();
    const form = web.page.getByRole('form', { name: '目標1の評価' });
    await expect(form.textContent()).resolves.toContain('提案される評価：○');
    await form.getByLabel('× 未達成').check();
    const reason = form.getByLabel('提案と異なる評価の理由（必須）');
    await expect(reason.getAttribute('required')).resolves.not.toBeNull();
    await reason.fill('年度後半の企画が中止になったため');
    await form.getByRole('button', { name: '評価を保存' }).click();
    await web.page.getByRole('status').filter({ hasText: '評価を保存しました' }).waitFor();
    expect((await sheet()).goals[0].evaluation).toMatchObject({
      rating: '×',
      suggestedRating: '○',
      reason: '年度後半の企画が中止になったため',
    });
  });
});

describe('history', () => {
  it('says who changed what from what to what, when and why, and shows the sheet as of then', async () => {
    await web.page.getByRole('link', { name: '履歴' }).click();
    await web.page.getByRole('heading', { name: /履歴/ }).waitFor();
    const correction = web.page.getByRole('row', { name: /集計漏れを訂正/ });
    await expect(correction.textContent()).resolves.toMatch(/Administrator.*進捗を記録.*150 → 160.*集計漏れを訂正/);
    await expect(correction.locator('time').getAttribute('title')).resolves.toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await expect(correction.locator('time').textContent()).resolves.toMatch(/^令和\d+年/);
    await web.expectAccessible();
    // The moment someone else wrote 150: the sheet then showed theirs.
    await web.page
      .getByRole('row', { name: /→ 150/ })
      .getByRole('link', { name: /この時点のシート/ })
      .click();
    await web.page.getByText('時点のシート').waitFor();
    await expect(web.page.getByRole('textbox', { name: `${SNS} 第3四半期` }).inputValue()).resolves.toBe('150');
    await expect(web.page.getByRole('button', { name: '保存', exact: true }).count()).resolves.toBe(0);
  });
});

describe('import', () => {
  it('imports a seed document: dry-run report first, then applied', async () => {
    await web.page.getByRole('link', { name: '取り込み' }).click();
    await web.expectAccessible();
    await web.page.getByLabel('取り込むファイル').setInputFiles(join(__dirname, '../fixtures/seeds/004_228aefcc8638a33f.txt'));
    const report = web.page.getByRole('region', { name: /確認/ });
    await report.waitFor();
    await expect(report.textContent()).resolves.toMatch(/シート\d+/);
    expect((await web.api.call('GET', '/api/v1/sheets?department=東区')).body.items).toEqual([]);
    await web.expectAccessible();
    await web.page.getByRole('button', { name: '取り込む', exact: true }).click();
    await web.page.getByRole('heading', { name: '取り込みました' }).waitFor();
    expect((await web.api.call('GET', '/api/v1/sheets?department=東区')).body.items.length).toBeGreaterThan(0);
  });
});

describe('the ward', () => {
  it('shows 重点目標 with 目標数 and 達成数, the unit × goal grid, and leads to a sheet in one click', async () => {
    await summarise(web.api);
    await web.page.getByRole('link', { name: '区の状況' }).click();
    await web.page.getByLabel('部・区').selectOption('東区');
    await web.page.getByLabel('年度').selectOption('2020');
    await web.page.getByRole('button', { name: '表示' }).click();
    await web.page.getByText('目標数').waitFor();
    await expect(web.page.locator('.counts').textContent()).resolves.toMatch(/目標数 \d+.*達成数 \d+/);
    const cell = web.page
      .getByRole('table')
      .getByRole('link', { name: /目標1：評価/ })
      .first();
    await cell.waitFor();
    await web.expectAccessible();
    await cell.click();
    await web.page.getByRole('heading', { name: /組織目標管理シート\s東区/ }).waitFor();
  });
});

describe('reminders', () => {
  it('lists upcoming and sent reminders and the contacts', async () => {
    await web.page.getByRole('link', { name: 'リマインダー' }).click();
    await web.page.getByRole('heading', { name: 'これから送るもの' }).waitFor();
    await web.page.getByRole('heading', { name: '連絡先' }).waitFor();
    await web.expectAccessible();
  });
});
