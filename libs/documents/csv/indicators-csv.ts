import { toCsv } from '@shinchoku/http';
import { viewOf, type ProgressThresholds, type Indicator, type Sheet } from '@shinchoku/sheets/domain';

const ACHIEVEMENT: Record<string, string> = { met: '達成', notMet: '未達成', undetermined: '判定不可' };
/** How the four quarters are to be read; blank for a level, whose quarters are each its own value. */
const ENTRY: Record<string, string> = { toDate: '累計', quarter: '四半期ごと' };

/** The notes recorded with the quarters' values and the result, one line each, named by where they belong. */
function recordedNotes(indicator: Pick<Indicator, 'progress' | 'result'>): string {
  const lines = ([1, 2, 3, 4] as const).flatMap((q) =>
    indicator.progress[q]?.note ? [`第${q}四半期: ${indicator.progress[q].note}`] : [],
  );
  if (indicator.result?.note) lines.push(`結果: ${indicator.result.note}`);
  return lines.join('\n');
}

/**
 * One line per indicator: its target, how its quarters are entered, the four quarters, the result, whether it met the target,
 * the goal's 評価, and the notes recorded with the values.
 */
export function indicatorsCsv(sheets: readonly Sheet[], thresholds: ProgressThresholds): string {
  const rows = sheets.flatMap((sheet) => {
    const view = viewOf(sheet, thresholds);
    return view.goals.flatMap((goal) =>
      goal.indicators.map((indicator) => [
        view.fiscalYearLabel,
        sheet.department,
        sheet.unit,
        goal.no,
        goal.text,
        indicator.name,
        indicator.unit ?? '',
        indicator.target?.text ?? '',
        indicator.progressEntry ? ENTRY[indicator.progressEntry] : '',
        ...([1, 2, 3, 4] as const).map((q) => indicator.progress[q]?.value.text ?? ''),
        indicator.result?.value.text ?? '',
        indicator.achievement ? ACHIEVEMENT[indicator.achievement.status] : '',
        indicator.progressState.latest?.state ?? 'noData',
        goal.evaluation?.rating ?? '',
        goal.suggestedRating ?? '',
        recordedNotes(indicator),
      ]),
    );
  });
  return toCsv(
    [
      '年度',
      '組織名(部)',
      '組織名(課)',
      'No.',
      '組織目標',
      '取組指標',
      '単位',
      '目標',
      '記入方法',
      '第1四半期',
      '第2四半期',
      '第3四半期',
      '第4四半期',
      '結果',
      '達成状況',
      '進捗状態',
      '評価',
      '評価の目安',
      '記録の備考',
    ],
    rows,
  );
}
