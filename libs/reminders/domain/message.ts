import { fiscalYearLabel, formatJapaneseDate, type IsoDate, type Quarter } from '@shinchoku/municipality';
import type { Sheet } from '@shinchoku/sheets/domain';
import type { ReminderKind } from './planner';

export interface ReminderContent {
  reminderId: string;
  kind: ReminderKind;
  dueOn: IsoDate;
  quarter: Quarter | null;
  sheet: Pick<Sheet, 'sheetId' | 'fiscalYear' | 'department' | 'unit'>;
  /** The goals or indicators still open, as people name them. */
  concerns: string[];
  recipientName: string | null;
  link: string;
}

export interface ReminderMessage {
  subject: string;
  text: string;
}

/** The mail people read: Japanese, naming the sheet, what is open, and the due date in 和暦 and ISO. */
export function composeMessage(content: ReminderContent): ReminderMessage {
  const { sheet, dueOn } = content;
  const year = fiscalYearLabel(sheet.fiscalYear);
  const due = `${formatJapaneseDate(dueOn)}（${dueOn}）`;
  const what =
    content.kind === 'progress'
      ? `第${content.quarter}四半期の進捗の入力期限は${due}です。次の指標の進捗が未入力です。`
      : content.kind === 'evaluation'
        ? `評価日は${due}です。次の目標が未評価です。`
        : `評価日（${due}）を過ぎましたが、次の目標が未評価です。至急評価してください。`;
  const subject =
    content.kind === 'progress'
      ? `【進捗】第${content.quarter}四半期の進捗入力期限 ${formatJapaneseDate(dueOn)}（${sheet.department} ${sheet.unit}）`
      : content.kind === 'evaluation'
        ? `【進捗】${year}組織目標の評価日 ${formatJapaneseDate(dueOn)}（${sheet.department} ${sheet.unit}）`
        : `【進捗・期限超過】${year}組織目標の評価が遅れています（${sheet.department} ${sheet.unit}）`;
  const text = [
    `${content.recipientName ?? 'ご担当者'} 様`,
    '',
    `${year} 組織目標管理シート（${sheet.department} ${sheet.unit}）について、${what}`,
    '',
    ...content.concerns.map((concern) => `・${concern}`),
    '',
    `シート: ${content.link}`,
    '',
    `（このメールは shinchoku から自動で送信しています。リマインダーID: ${content.reminderId}）`,
  ].join('\n');
  return { subject, text };
}
