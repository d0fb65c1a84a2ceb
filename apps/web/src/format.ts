import type { Permission } from '@shinchoku/access/domain';
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

/** What each permission lets a person do, as a refusal explains it. */
export const PERMISSION_LABEL: Record<Permission, string> = {
  read: 'シートの閲覧',
  'sheet.create': 'シートの作成・取り込み',
  'sheet.edit': '目標・指標の編集',
  'sheet.record': '進捗・結果の記入',
  'sheet.schedule': '評価日の設定',
  'sheet.evaluate': '評価',
  'sheet.close': 'シートの確定・再開',
  'wardPlan.write': '区の組織目標の編集',
  'wardPlan.evaluate': '区の組織目標の評価',
  'contacts.manage': '連絡先の管理',
  'settings.read': '設定の閲覧',
  'settings.write': '設定の変更',
  'audit.verify': '改ざん検証',
  'tokens.manage': 'トークンの管理',
  admin: '管理者',
};
