import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Grant } from '@shinchoku/access';
import { enterSheet, type EnteredSheet } from '../support/seed-entry';
import { 西区地域課 } from '../fixtures/seed-sheets';
import { useWebApp } from './support/web-app';

/**
 * The page offers each person what their grants allow on this sheet, by the rules the server
 * checks (GET /me, once): a viewer and another unit's editor see the sheet and cannot change it,
 * the unit's editor records; what the server refuses anyway is explained in Japanese.
 */
let entered: EnteredSheet;
const SNS = 'SNSによる情報発信件数';
const web = useWebApp(async (api) => {
  api.clock.set('2024-10-05T10:00:00+09:00');
  entered = await enterSheet(api, 西区地域課);
});

/** Opens the sheet as someone holding these grants, and hands over the page once the sheet is shown. */
async function sheetAs(grants: Grant[], name: string, use: (page: Page) => Promise<void>): Promise<void> {
  const page = await web.pageAs(grants, name);
  try {
    await page.goto(`${web.api.url}/sheets/${entered.sheetId}`);
    await page.getByRole('textbox', { name: `${SNS} 第1四半期` }).waitFor();
    await use(page);
  } finally {
    await page.close();
  }
}

const editableInputs = (page: Page) =>
  page.locator('input:not([readonly]):not([disabled]), textarea:not([readonly]):not([disabled]), select:not([disabled])').count();

describe('controls by grants', () => {
  it('a viewer of the unit sees the sheet, who is signed in, and nothing to change', async () => {
    await sheetAs([{ role: 'viewer', department: '西区', unit: '地域課' }], '閲覧 花子', async (page) => {
      await expect(page.getByRole('banner').textContent()).resolves.toContain('ログイン中：閲覧 花子');
      await expect(page.getByRole('button', { name: '保存', exact: true }).count()).resolves.toBe(0);
      await expect(page.getByRole('textbox', { name: `${SNS} 第1四半期` }).isEditable()).resolves.toBe(false);
      expect(await editableInputs(page)).toBe(0);
      await expect(page.getByRole('form', { name: /の評価$/ }).count()).resolves.toBe(0);
      await expect(page.getByRole('note').filter({ hasText: '閲覧のみ' }).count()).resolves.toBe(1);
      // Neither import nor settings are offered to whom the API would refuse them.
      const menu = page.getByRole('navigation', { name: 'メニュー' });
      await expect(menu.getByRole('link', { name: '取り込み' }).count()).resolves.toBe(0);
      await expect(menu.getByRole('link', { name: '設定' }).count()).resolves.toBe(0);
      await web.expectAccessible(page);
    });
  });

  it('an editor of another unit, who may read the ward, cannot change this sheet', async () => {
    const grants: Grant[] = [
      { role: 'editor', department: '西区', unit: '保護課' },
      { role: 'viewer', department: '西区' },
    ];
    await sheetAs(grants, '保護 次郎', async (page) => {
      await expect(page.getByRole('button', { name: '保存', exact: true }).count()).resolves.toBe(0);
      expect(await editableInputs(page)).toBe(0);
    });
  });

  it('an editor of the unit records a quarter, and is offered no evaluation (the 課長’s)', async () => {
    await sheetAs([{ role: 'editor', department: '西区', unit: '地域課' }], '地域 三郎', async (page) => {
      const q1 = page.getByRole('textbox', { name: `${SNS} 第1四半期` });
      await expect(q1.isEditable()).resolves.toBe(true);
      await expect(page.getByRole('form', { name: /の評価$/ }).count()).resolves.toBe(0);
      await q1.fill('48');
      await page.getByRole('button', { name: '保存', exact: true }).click();
      await page.getByRole('status').filter({ hasText: '1件を保存しました' }).waitFor();
      const { body } = await web.api.call('GET', `/api/v1/sheets/${entered.sheetId}/events`);
      expect(body.items.at(-1).metadata.actor.name).toBe('地域 三郎');
    });
  });

  it('an evaluator of the unit evaluates and records nothing', async () => {
    await sheetAs([{ role: 'evaluator', department: '西区', unit: '地域課' }], '課長 四郎', async (page) => {
      await expect(page.getByRole('form', { name: '目標1の評価' }).count()).resolves.toBe(1);
      await expect(page.getByRole('button', { name: '保存', exact: true }).count()).resolves.toBe(0);
    });
  });
});

describe('what the server refuses anyway, in Japanese', () => {
  it('a sheet of a unit the person may not read', async () => {
    const page = await web.pageAs([{ role: 'editor', department: '西区', unit: '保護課' }], '保護 五郎');
    try {
      await page.goto(`${web.api.url}/sheets/${entered.sheetId}`);
      await expect(page.getByRole('alert').textContent()).resolves.toBe(
        '権限がありません。この操作には、対象の部・課での「シートの閲覧」の権限が必要です。必要な場合は管理者に依頼してください。',
      );
      await web.expectAccessible(page);
    } finally {
      await page.close();
    }
  });

  it('a file naming another ward’s sheets, imported by this ward’s coordinator', async () => {
    const page = await web.pageAs([{ role: 'coordinator', department: '西区' }], '西区 調整');
    try {
      await page.getByRole('navigation', { name: 'メニュー' }).getByRole('link', { name: '取り込み' }).click();
      await page.getByLabel('取り込むファイル').setInputFiles(join(__dirname, '../fixtures/seeds/004_228aefcc8638a33f.txt'));
      // The document's first page is 東区's ward plan: the first thing the API finds out of scope.
      await expect(page.getByRole('alert').textContent()).resolves.toContain('「区の組織目標の編集」の権限が必要です');
      expect((await web.api.call('GET', '/api/v1/sheets?department=東区')).body.items).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
