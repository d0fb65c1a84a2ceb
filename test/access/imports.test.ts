import type ExcelJS from 'exceljs';
import { startApi, TEST_TOKEN, TestApi } from '../support/api';
import { eventCount, issueToken } from '../support/access';
import { cellOf, exportedWorkbook, SEED_000, SEED_004, seedFile, setCell, upload } from '../support/documents';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const uploadSeed = (name: string, token: string) => upload(api, name, seedFile(name), token);

describe('who may import', () => {
  it('refuses a file that writes outside the caller’s department, appending nothing', async () => {
    const east = await issueToken(api, [{ role: 'coordinator', department: '東区' }]);
    const before = await eventCount(api);
    expect(await uploadSeed(SEED_000, east.token)).toMatchObject({
      status: 403,
      body: { code: 'PermissionMissing', permission: 'sheet.create' },
    });
    expect(await eventCount(api)).toBe(before);
  });

  it('refuses a unit editor, who creates no sheets, before reading the file', async () => {
    const editor = await issueToken(api, [{ role: 'editor', department: '東区', unit: '総務課' }]);
    expect(await uploadSeed(SEED_004, editor.token)).toMatchObject({ status: 403, body: { permission: 'sheet.create' } });
  });

  it('lets the department’s coordinator import its sheets and ward plan', async () => {
    const east = await issueToken(api, [{ role: 'coordinator', department: '東区' }]);
    const reply = await uploadSeed(SEED_004, east.token);
    expect(reply).toMatchObject({ status: 201, body: { sheets: 3, wardPlans: 1 } });
    const events = (await api.call('GET', '/api/v1/audit/verify')).body;
    expect(events.ok).toBe(true);
  });
});

describe('ids a workbook carries are checked against the caller’s scope and the header beside them', () => {
  let west: string;
  beforeAll(async () => {
    expect(await uploadSeed(SEED_000, TEST_TOKEN)).toMatchObject({ status: 201 });
    expect(await uploadSeed(SEED_004, TEST_TOKEN)).toMatchObject({ status: 201 });
    west = (await issueToken(api, [{ role: 'coordinator', department: '西区' }])).token;
  });

  /** An East (2020) sheet, whole, by its unit. */
  const eastSheet = async (unit: string) => {
    const { items } = (await api.call('GET', '/api/v1/sheets?fiscalYear=2020&limit=100')).body;
    return (await api.call('GET', `/api/v1/sheets/${items.find((s: { unit: string }) => s.unit === unit).sheetId}`)).body;
  };
  const westWorkbook = () => exportedWorkbook(api, `/api/v1/summaries/wards/${encodeURIComponent('西区')}/2024/export.xlsx`, TEST_TOKEN);
  /** The cell right of a header label (組織名(部) → the department). */
  const valueOf = (ws: ExcelJS.Worksheet, label: string) => {
    let found: ExcelJS.Cell | undefined;
    ws.eachRow((row) => row.eachCell((cell, column) => void (cell.value === label && (found ??= row.getCell(column + 1)))));
    return found!;
  };
  /** Uploads as 西区's coordinator and expects a 403 with nothing appended on any stream. */
  const refused = async (workbook: ExcelJS.Workbook) => {
    const before = await eventCount(api);
    const reply = await upload(api, 'forged.xlsx', workbook, west);
    expect(await eventCount(api)).toBe(before);
    return reply;
  };

  it('refuses a worksheet headed 西区 whose hidden sheetId names a 東区 sheet', async () => {
    const east = await eastSheet('総務課');
    const workbook = await exportedWorkbook(api, `/api/v1/sheets/${east.sheetId}/export.xlsx`, TEST_TOKEN);
    const ws = workbook.worksheets[0]!;
    valueOf(ws, '組織名(部)').value = '西区';
    valueOf(ws, '組織名(準部・課・機関名)').value = '架空課';
    setCell(workbook, ws.name, east.goals[0].indicators[0].name, '第1四半期', '99');
    expect(await refused(workbook)).toMatchObject({ status: 403, body: { code: 'ForeignId', detail: expect.stringContaining('東区') } });
    expect((await eastSheet('総務課')).version).toBe(east.version);
  });

  it('refuses the whole upload when one worksheet of the ward’s own export carries another ward’s sheetId', async () => {
    const east = await eastSheet('地域課');
    const workbook = await westWorkbook();
    setCell(workbook, '区民生活課', 'ボランティア清掃等の参加団体数', '第1四半期', '120団体');
    const forged = workbook.getWorksheet('地域課')!;
    valueOf(forged, '組織名(準部・課・機関名)').value = '架空課';
    valueOf(forged, 'sheetId').value = east.sheetId;
    expect(await refused(workbook)).toMatchObject({ status: 403, body: { code: 'ForeignId' } });
  });

  it('refuses an indicatorId or goalId of another ward’s sheet under the caller’s own sheet', async () => {
    const east = await eastSheet('地域課');
    for (const [heading, id] of [
      ['indicatorId', east.goals[0].indicators[0].indicatorId],
      ['goalId', east.goals[0].goalId],
    ]) {
      const workbook = await westWorkbook();
      cellOf(workbook, '区民生活課', 'ボランティア清掃等の参加団体数', heading).value = id;
      expect(await refused(workbook)).toMatchObject({ status: 403, body: { code: 'ForeignId', detail: expect.stringContaining(id) } });
    }
  });

  it('refuses a ward page retitled 西区 that carries 東区’s wardPlanId', async () => {
    const workbook = await exportedWorkbook(api, `/api/v1/summaries/wards/${encodeURIComponent('東区')}/2020/export.xlsx`, TEST_TOKEN);
    for (const ws of workbook.worksheets.slice(1)) workbook.removeWorksheet(ws.id);
    const page = workbook.worksheets[0]!;
    page.getCell('A1').value = page.getCell('A1').text.replace('東区', '西区');
    valueOf(page, '組織名').value = '西区';
    page.getRow(7).getCell(2).value = '書き換えた重点目標';
    expect(await refused(workbook)).toMatchObject({ status: 403, body: { code: 'ForeignId' } });
  });

  it('refuses another ward’s unmodified export', async () => {
    const workbook = await exportedWorkbook(api, `/api/v1/summaries/wards/${encodeURIComponent('東区')}/2020/export.xlsx`, TEST_TOKEN);
    expect(await refused(workbook)).toMatchObject({ status: 403 });
  });

  it('still imports the ward’s own export with a value filled in', async () => {
    const workbook = await westWorkbook();
    setCell(workbook, '区民生活課', 'ボランティア清掃等の参加団体数', '第1四半期', '130団体');
    expect(await upload(api, 'west.xlsx', workbook, west)).toMatchObject({ status: 201, body: { commands: 1 } });
  });
});
