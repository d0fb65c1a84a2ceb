import type { ProgressState, SheetStatus } from './api/models';

const TOKYO = 'Asia/Tokyo';
const japaneseDate = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
  era: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  timeZone: TOKYO,
});
const japaneseTime = new Intl.DateTimeFormat('ja-JP', { hour: '2-digit', minute: '2-digit', timeZone: TOKYO });

/** An ISO date (YYYY-MM-DD, a Tokyo day) or instant in 和暦: 令和6年4月1日 (with the time for an instant). */
export function wareki(iso: string): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  const date = new Date(dateOnly ? `${iso}T12:00:00+09:00` : iso);
  if (Number.isNaN(date.getTime())) return iso;
  return dateOnly ? japaneseDate.format(date) : `${japaneseDate.format(date)} ${japaneseTime.format(date)}`;
}

export const STATE_LABEL: Record<ProgressState, string> = {
  onTrack: '順調',
  atRisk: '注意',
  offTrack: '遅れ',
  noData: '未記入',
};

export const STATUS_LABEL: Record<SheetStatus, string> = {
  draft: '作成中',
  active: '実施中',
  closed: '確定',
};

export const QUARTERS = [1, 2, 3, 4] as const;

export const percent = (rate: number | undefined) => (rate === undefined ? '' : `${Math.round(rate * 100)}%`);
