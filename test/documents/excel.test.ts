import { DocumentExporter, DocumentError, readWorkbook, writeWorkbook } from '@shinchoku/documents';
import type { Sheet } from '@shinchoku/sheets/domain/sheet.types';
import { 西区地域課 } from '../fixtures/seed-sheets';
import {
  allSheets,
  cellOf,
  editable,
  eventCount,
  ImportContext,
  importer,
  openImporter,
  SEED_000,
  SEED_004,
  seedFile,
  setCell,
} from '../support/documents';

type Context = ImportContext & { close(): Promise<void> };
let source: Context;
let target: Context;
beforeAll(async () => {
  [source, target] = await Promise.all([openImporter(), openImporter()]);
  await source.importer.import(SEED_000, seedFile(SEED_000), importer);
  await source.importer.import(SEED_004, seedFile(SEED_004), importer);
  await trackYear(source, (await allSheets(source)).get('西区 地域課')!);
  const plan = (await source.queries.wardPlans({ department: '東区' }))[0]!.plan;
  source.clock.set('2021-05-10T10:00:00+09:00');
  await source.wardPlans.run(
    plan.wardPlanId,
    { type: 'EvaluateWardPlan', achievedCount: 4, direction: '引き続き協働によるまちづくりを推進' },
    { actor: importer, source: 'test' },
  );
});
afterAll(() => Promise.all([source.close(), target.close()]));

/** 西区 地域課's year as the seed-year test plays it: progress, results, 評価日, evaluations (one overruled with a reason), closed. */
async function trackYear(context: Context, sheet: Sheet): Promise<void> {
  const run = (command: Parameters<Context['sheets']['run']>[1]) =>
    context.sheets.run(sheet.sheetId, command, { actor: importer, source: 'test' });
  const indicators = sheet.goals.flatMap((g) => g.indicators);
  const seeded = 西区地域課.goals.flatMap((g) => g.indicators);
  for (const quarter of [1, 2, 3, 4]) {
    context.clock.set(`2024-0${quarter + 3 > 9 ? 9 : quarter + 3}-05T10:00:00+09:00`);
    for (const [i, indicator] of indicators.entries()) {
      await run({
        type: 'RecordProgress',
        indicatorId: indicator.indicatorId,
        quarter,
        value: seeded[i]!.progress![quarter - 1]!,
        ...(i === 0 && { note: `第${quarter}四半期は計画どおり` }),
      });
    }
  }
  context.clock.set('2025-04-15T10:00:00+09:00');
  for (const [i, indicator] of indicators.entries()) {
    await run({
      type: 'RecordResult',
      indicatorId: indicator.indicatorId,
      value: seeded[i]!.result!,
      ...(i === 3 && { note: '前年比では増加\n年度末に集計' }),
    });
  }
  await run({ type: 'SetEvaluationDate', date: '2025-05-07' });
  context.clock.set('2025-05-07T10:00:00+09:00');
  for (const [g, rating] of (['△', '×', '○', '△', '○'] as const).entries()) {
    const reason = g === 3 ? '来館者数は目標に届かなかったが、湿地保全の取組は計画どおり実施した' : undefined;
    await run({
      type: 'Evaluate',
      goalId: sheet.goals[g]!.goalId,
      rating,
      status: `目標${g + 1}の達成状況`,
      policy: '引き続き取り組みます。',
      ...(reason && { reason }),
    });
  }
  await run({ type: 'CloseSheet' });
}

const exported = async (context: Context, department: string, fiscalYear: number) => {
  const { sheets, wardPlan, versions } = await new DocumentExporter(context.sheets, context.queries).ward(department, fiscalYear);
  return writeWorkbook(sheets, wardPlan, versions);
};

describe('Excel: the 組織目標管理シート layout out and back in', () => {
  it('round-trips a department × fiscal year into an empty database: identical sheets and ward plan', async () => {
    const west = await exported(source, '西区', 2024);
    const east = await exported(source, '東区', 2020);
    target.clock.set('2026-11-21T10:00:00+09:00');
    expect(await target.importer.import('西区.xlsx', west, importer)).toMatchObject({
      format: 'xlsx',
      sheets: 10,
      goals: 36,
      indicators: 42,
    });
    expect(await target.importer.import('東区.xlsx', east, importer)).toMatchObject({ sheets: 3, wardPlans: 1, priorityGoals: 5 });

    const [before, after] = [await allSheets(source), await allSheets(target)];
    expect(after.size).toBe(13);
    for (const [key, sheet] of before) expect(after.get(key)).toEqual(sheet);
    expect(after.get('西区 地域課')).toMatchObject({ status: 'closed', evaluationDate: '2025-05-07' });
    const plans = async (c: Context) => (await c.queries.wardPlans({})).map(({ plan }) => plan);
    expect(await plans(target)).toEqual(await plans(source));
    expect((await plans(target))[0]!.evaluation).toMatchObject({ achievedCount: 4, evaluatedOn: '2021-05-10' });
  });

  it('changes nothing when the exported workbook comes back to where it came from', async () => {
    const before = await eventCount(source);
    expect(await source.importer.import('西区.xlsx', await exported(source, '西区', 2024), importer)).toMatchObject({ events: 0 });
    expect(await eventCount(source)).toBe(before);
  });

  it('records what was filled in: a quarter entered in the workbook becomes a progress event', async () => {
    const workbook = await editable(await exported(source, '西区', 2024));
    setCell(workbook, '区民生活課', 'ボランティア清掃等の参加団体数', '第1四半期', '120団体');
    const before = await eventCount(source);
    const report = await source.importer.import('西区-Q1.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()), importer);
    expect(report).toMatchObject({ commands: 1, events: 2 }); // SheetActivated + ProgressRecorded
    expect(await eventCount(source)).toBe(before + 2);
    const sheet = (await allSheets(source)).get('西区 区民生活課')!;
    expect(sheet.goals[0]!.indicators[0]!.progress[1]).toEqual({ value: { text: '120団体', value: 120, unit: '団体' } });
  });

  it('keeps the notes recorded with values as cell comments: an edited comment is a correction, a cleared one removes the note', async () => {
    const sheet = (await allSheets(source)).get('西区 区民生活課')!;
    const { indicatorId } = sheet.goals[0]!.indicators[0]!;
    const from = { actor: importer, source: 'test' };
    await source.sheets.run(
      sheet.sheetId,
      { type: 'RecordProgress', indicatorId, quarter: 2, value: '250団体', note: '清掃活動の日程を追加' },
      from,
    );
    await source.sheets.run(
      sheet.sheetId,
      { type: 'RecordProgress', indicatorId, quarter: 3, value: '300団体', note: '秋の一斉清掃' },
      from,
    );
    const workbook = await editable(await exported(source, '西区', 2024));
    const draft = await readWorkbook(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(draft.sheets.find((s) => s.unit === '区民生活課')!.goals[0]!.indicators[0]!.recordedNotes).toEqual({
      2: '清掃活動の日程を追加',
      3: '秋の一斉清掃',
    });

    cellOf(workbook, '区民生活課', 'ボランティア清掃等の参加団体数', '第2四半期').note = '清掃活動の日程を追加し、参加団体が増加';
    cellOf(workbook, '区民生活課', 'ボランティア清掃等の参加団体数', '第3四半期').note = '';
    const before = await eventCount(source);
    expect(await source.importer.import('西区-notes.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()), importer)).toMatchObject({
      events: 2,
    });
    expect(await eventCount(source)).toBe(before + 2);
    const progress = (await allSheets(source)).get('西区 区民生活課')!.goals[0]!.indicators[0]!.progress;
    expect(progress[2]).toEqual({ value: { text: '250団体', value: 250, unit: '団体' }, note: '清掃活動の日程を追加し、参加団体が増加' });
    expect(progress[3]).toEqual({ value: { text: '300団体', value: 300, unit: '団体' } });
  });

  it('refuses the whole workbook when one cell breaks a rule, naming the worksheet cell', async () => {
    const workbook = await editable(await exported(source, '西区', 2024));
    setCell(workbook, '総務課', '被害想定など避難に関する情報の再周知', '第2四半期', '実施済');
    setCell(workbook, '地域課', 'SNSによる情報発信件数', '第4四半期', '45'); // the sheet is closed
    const before = await eventCount(source);
    const attempt = source.importer.import('西区-late.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()), importer);
    await expect(attempt).rejects.toBeInstanceOf(DocumentError);
    await expect(attempt).rejects.toThrow(/^line 12, cell 地域課!K12: the sheet is closed/);
    expect(await eventCount(source)).toBe(before);
  });

  it('reads merged goal cells as one goal over its indicator and initiative rows', async () => {
    const draft = await readWorkbook(await exported(source, '西区', 2024));
    const sheet = draft.sheets.find((s) => s.unit === '地域課')!;
    expect(sheet.goals.map((g) => [g.no, g.indicators.length, g.initiatives.length])).toEqual([
      [1, 2, 1],
      [2, 1, 1],
      [3, 1, 1],
      [4, 1, 1],
      [5, 2, 2],
    ]);
  });
});

describe('a workbook exported while its sheet was closed (確定)', () => {
  it('corrects the sheet reopened since and leaves it open: its 確定 is how it was exported, not a change', async () => {
    const workbook = await editable(await exported(source, '西区', 2024));
    const sheet = (await allSheets(source)).get('西区 地域課')!;
    await source.sheets.run(sheet.sheetId, { type: 'ReopenSheet', reason: '実績の訂正' }, { actor: importer, source: 'test' });
    setCell(workbook, '地域課', 'SNSによる情報発信件数', '第4四半期', '46');
    expect(await source.importer.import('西区-corrected.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()), importer)).toMatchObject({
      commands: 1,
      conflicts: [],
    });
    const corrected = (await allSheets(source)).get('西区 地域課')!;
    expect(corrected.status).toBe('active');
    expect(corrected.goals[0]!.indicators[0]!.progress[4]!.value.text).toBe('46');
  });
});

describe('how quarters are entered (progressEntry) travels in a hidden cell', () => {
  const name = 'ボランティア清掃等の参加団体数';
  const indicatorOf = (sheets: Map<string, Sheet>) =>
    sheets
      .get('西区 区民生活課')!
      .goals.flatMap((g) => g.indicators)
      .find((i) => i.name === name)!;

  it('out and back in: a count entered by quarter stays so; a workbook made before the cell existed still imports', async () => {
    const { sheetId } = (await allSheets(source)).get('西区 区民生活課')!;
    await source.sheets.run(
      sheetId,
      { type: 'ReviseIndicator', indicatorId: indicatorOf(await allSheets(source)).indicatorId, changes: { progressEntry: 'quarter' } },
      { actor: importer, source: 'test' },
    );
    const workbook = await editable(await exported(source, '西区', 2024));
    expect(cellOf(workbook, '区民生活課', name, 'progressEntry').value).toBe('quarter');
    expect(cellOf(workbook, '区民生活課', '窓口アンケートの平均点', 'progressEntry').value || null).toBeNull();

    const fresh = await openImporter();
    try {
      await fresh.importer.import('西区.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()), importer);
      expect(indicatorOf(await allSheets(fresh))).toMatchObject({ measure: 'cumulative', progressEntry: 'quarter' });
    } finally {
      await fresh.close();
    }

    for (const ws of workbook.worksheets) {
      let column = 0;
      ws.eachRow((row) => row.eachCell((cell, c) => void (cell.value === 'progressEntry' && (column = c))));
      if (column > 0) ws.spliceColumns(column, 1);
    }
    const old = await openImporter();
    try {
      await old.importer.import('西区-old.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()), importer);
      expect(indicatorOf(await allSheets(old))).toMatchObject({ measure: 'cumulative', progressEntry: 'toDate' });
      // Into the store it came from, the old workbook leaves what is recorded as it is.
      expect(await source.importer.import('西区-old.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()), importer)).toMatchObject({
        events: 0,
      });
    } finally {
      await old.close();
    }
  });

  it('refuses a value it does not know, naming the cell', async () => {
    const workbook = await editable(await exported(source, '西区', 2024));
    setCell(workbook, '区民生活課', name, 'progressEntry', 'weekly');
    await expect(source.importer.import('西区-bad.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()), importer)).rejects.toThrow(
      /progressEntry must be toDate or quarter/,
    );
  });
});
