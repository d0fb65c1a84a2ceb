import type ExcelJS from 'exceljs';
import { Json, startApi, TEST_TOKEN, TestApi } from '../support/api';
import { callAs, eventCount, issueToken } from '../support/access';
import { editable, exportedWorkbook, SEED_000, seedFile, setCell, upload } from '../support/documents';

let api: TestApi;
let sheetId: string;
let cleaning: string;
let events: string;
/** The workbook as exported before a colleague corrected 清掃 Q1: version `exportedAt`. */
let exported: Buffer;
let exportedAt: number;

const UNIT = '区民生活課';
const CLEANING = 'ボランティア清掃等の参加団体数';
const EVENTS = '「子どもエコ教室」アンケート満足度';
const sheet = async () => (await api.call('GET', `/api/v1/sheets/${sheetId}`, undefined, { 'cache-control': 'no-cache' })).body;
const q1 = async (indicatorId: string) =>
  (await sheet()).goals.flatMap((g: Json) => g.indicators).find((i: Json) => i.indicatorId === indicatorId).progress[1]?.value.text;
const edited = async (edit: (workbook: ExcelJS.Workbook) => void) => {
  const workbook = await editable(exported);
  edit(workbook);
  return workbook;
};

beforeAll(async () => {
  // Only this process's own writes refresh its sheet cache within the tests: what the import must do.
  api = await startApi({ SHEET_CACHE_POLL_MS: '60000' });
  expect(await upload(api, SEED_000, seedFile(SEED_000), TEST_TOKEN)).toMatchObject({ status: 201 });
  const { items } = (await api.call('GET', '/api/v1/sheets?fiscalYear=2024&limit=100')).body;
  sheetId = items.find((s: { unit: string }) => s.unit === UNIT).sheetId;
  const indicators = (await sheet()).goals.flatMap((g: Json) => g.indicators);
  cleaning = indicators.find((i: Json) => i.name === CLEANING).indicatorId;
  events = indicators.find((i: Json) => i.name === EVENTS).indicatorId;
  await api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${cleaning}/progress/1`, { value: '100団体' });
  const workbook = await exportedWorkbook(api, `/api/v1/sheets/${sheetId}/export.xlsx`, TEST_TOKEN);
  exported = Buffer.from(await workbook.xlsx.writeBuffer());
  exportedAt = (await sheet()).version;
  // After the export, a colleague corrects the value.
  const colleague = await issueToken(api, [{ role: 'editor', department: '西区', unit: UNIT }], { name: '訂正 次郎' });
  expect(
    await callAs(api, colleague.token)('PUT', `/api/v1/sheets/${sheetId}/indicators/${cleaning}/progress/1`, { value: '110団体' }),
  ).toMatchObject({ status: 200 });
});
afterAll(() => api.close());

describe('a workbook exported before a correction', () => {
  it('writes only the cells it changed: the corrected value stays', async () => {
    const workbook = await edited((w) => setCell(w, UNIT, EVENTS, '第1四半期', '92%'));
    expect(await upload(api, 'stale.xlsx', workbook, TEST_TOKEN)).toMatchObject({ status: 201, body: { commands: 1, conflicts: [] } });
    expect(await q1(cleaning)).toBe('110団体');
    expect(await q1(events)).toBe('92%');
  });

  it('refuses with 409 a cell changed by someone else since, naming the cell, both values, who and when; nothing is appended', async () => {
    const workbook = await edited((w) => {
      setCell(w, UNIT, CLEANING, '第1四半期', '105団体');
      setCell(w, UNIT, EVENTS, '第2四半期', '95%');
    });
    const before = await eventCount(api);
    const reply = await upload(api, 'stale.xlsx', workbook, TEST_TOKEN);
    expect(reply).toMatchObject({ status: 409, body: { code: 'StaleWorkbook', errors: [{ path: 'body.file' }] } });
    expect(reply.body.conflicts).toEqual([
      {
        sheetId,
        department: '西区',
        unit: UNIT,
        goalNo: 1,
        goalId: expect.any(String),
        indicatorId: cleaning,
        indicator: CLEANING,
        field: 'progress',
        quarter: 1,
        exportedVersion: exportedAt,
        workbook: '105団体',
        current: '110団体',
        changedBy: { id: expect.any(String), name: '訂正 次郎' },
        changedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        changedInVersion: exportedAt + 1,
      },
    ]);
    expect(await eventCount(api)).toBe(before);
    expect([
      await q1(cleaning),
      (await sheet()).goals.flatMap((g: Json) => g.indicators).find((i: Json) => i.indicatorId === events).progress[2],
    ]).toEqual(['110団体', undefined]);
  });

  it('shows the conflicts in a dry run, which writes nothing', async () => {
    const workbook = await edited((w) => setCell(w, UNIT, CLEANING, '第1四半期', '105団体'));
    const before = await eventCount(api);
    const reply = await upload(api, 'stale.xlsx', workbook, TEST_TOKEN, '?dryRun=true');
    expect(reply).toMatchObject({
      status: 200,
      body: { dryRun: true, events: 0, conflicts: [{ indicatorId: cleaning, quarter: 1, workbook: '105団体', current: '110団体' }] },
    });
    expect(await eventCount(api)).toBe(before);
  });

  it('overwrites with force=true, marking the overriding events in the audit trail, and still keeps the cells it did not change', async () => {
    const workbook = await edited((w) => setCell(w, UNIT, CLEANING, '第1四半期', '105団体'));
    const reply = await upload(api, 'stale.xlsx', workbook, TEST_TOKEN, '?force=true');
    expect(reply).toMatchObject({
      status: 201,
      body: { commands: 1, conflicts: [{ indicatorId: cleaning, workbook: '105団体', current: '110団体' }] },
    });
    expect([await q1(cleaning), await q1(events)]).toEqual(['105団体', '92%']);
    const audit = (await api.call('GET', `/api/v1/sheets/${sheetId}/audit`)).body.items;
    expect(audit.at(-1)).toMatchObject({ command: 'RecordProgress', source: 'import', forced: { sinceVersion: exportedAt } });
    expect(audit.filter((entry: { forced?: unknown }) => entry.forced)).toHaveLength(1);
  });

  it('refuses a force that is not true or false', async () => {
    const reply = await upload(api, 'stale.xlsx', exported, TEST_TOKEN, '?force=yes');
    expect(reply).toMatchObject({ status: 400, body: { errors: [{ path: 'query.force' }] } });
  });
});

describe('a workbook without a version (exported before versions were written)', () => {
  it('is imported as before: every value it states is written', async () => {
    const workbook = await edited((w) => {
      const ws = w.getWorksheet(UNIT)!;
      ws.eachRow((row) =>
        row.eachCell((cell, column) => {
          if (cell.value === 'version') {
            cell.value = null;
            row.getCell(column + 1).value = null;
          }
        }),
      );
    });
    expect(await upload(api, 'old.xlsx', workbook, TEST_TOKEN)).toMatchObject({ status: 201, body: { conflicts: [] } });
    expect(await q1(cleaning)).toBe('100団体');
  });
});

describe('the sheets an import wrote', () => {
  it('are read fresh from this process’s cache right after the import, every one of them', async () => {
    const workbook = await exportedWorkbook(api, `/api/v1/summaries/wards/${encodeURIComponent('西区')}/2024/export.xlsx`, TEST_TOKEN);
    const { items } = (await api.call('GET', '/api/v1/sheets?fiscalYear=2024&limit=100')).body;
    const ids = ['地域課', '総務課'].map((unit) => items.find((s: { unit: string }) => s.unit === unit).sheetId);
    const cached = () => Promise.all(ids.map(async (id) => (await api.call('GET', `/api/v1/sheets/${id}`)).body));
    const before = await cached();
    setCell(workbook, '地域課', before[0].goals[0].indicators[0].name, '第3四半期', '77');
    setCell(workbook, '総務課', before[1].goals[0].indicators[0].name, '第3四半期', '実施');
    expect(await upload(api, 'two.xlsx', workbook, TEST_TOKEN)).toMatchObject({ status: 201, body: { commands: 2 } });
    const after = await cached();
    expect(after.map((sheet) => sheet.goals[0].indicators[0].progress[3]?.value.text)).toEqual(['77', '実施']);
    expect(after.map((sheet) => sheet.version)).toEqual(before.map((sheet) => sheet.version + 2));
  });
});
