import type { AuditEntry } from '../api/models';
import { useAudit, useSheet } from '../api/queries';
import { DateText, Link, Pending } from '../components/common';

/** Commands as people say them; an unknown one is shown by its name. */
const COMMAND_LABEL: Record<string, string> = {
  CreateSheet: 'シートを作成',
  ReviseSheet: 'シートを修正',
  AddGoal: '目標を追加',
  ReviseGoal: '目標を修正',
  RemoveGoal: '目標を削除',
  DefineIndicator: '指標を設定',
  ReviseIndicator: '指標を修正',
  SetTarget: '目標値を設定',
  RecordProgress: '進捗を記録',
  RecordResult: '結果を記録',
  SetEvaluationDate: '評価日を設定',
  Evaluate: '評価',
  CloseSheet: 'シートを確定',
  ReopenSheet: '確定を解除',
  ImportSheet: '取り込み',
};

/** A change's path as people name the place: goals[2].indicators[名].progress.Q3 → 目標2「名」第3四半期. */
const place = (path: string) =>
  path
    .replace(/^goals\[(\d+)\]/, '目標$1')
    .replace(/\.indicators\[(.+?)\]/, '「$1」')
    .replace(/\.progress\.Q(\d)/, ' 第$1四半期')
    .replace(/\.result$/, ' 結果')
    .replace(/\.evaluation/, ' 評価');

const shown = (value: unknown) =>
  value === null || value === undefined || value === '' ? '（なし）' : typeof value === 'string' ? value : JSON.stringify(value);

/** The sheet's audit trail in human terms: who changed what from what to what, when and why. */
export function HistoryPage({ sheetId }: { sheetId: string }) {
  const sheet = useSheet(sheetId);
  const audit = useAudit(sheetId);
  if (!audit.data) return <Pending error={audit.error} label="履歴" />;
  const title = sheet.data ? `${sheet.data.sheet.fiscalYearLabel} ${sheet.data.sheet.department} ${sheet.data.sheet.unit}` : '';
  const entries = [...audit.data.items].reverse();
  return (
    <>
      <h1>履歴　{title}</h1>
      <p>
        <Link to={`/sheets/${sheetId}`}>シートへ戻る</Link>
      </p>
      <table className="list history">
        <thead>
          <tr>
            <th scope="col">日時</th>
            <th scope="col">誰が</th>
            <th scope="col">操作</th>
            <th scope="col">何を（変更前 → 変更後）</th>
            <th scope="col">理由</th>
            <th scope="col">この時点</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <HistoryRow key={entry.version} sheetId={sheetId} entry={entry} />
          ))}
        </tbody>
      </table>
    </>
  );
}

function HistoryRow({ sheetId, entry }: { sheetId: string; entry: AuditEntry }) {
  return (
    <tr>
      <td>
        <DateText iso={entry.at} />
      </td>
      <td>{entry.actor.name}</td>
      <td>
        {COMMAND_LABEL[entry.command] ?? entry.command}
        {entry.source !== 'api' && <span className="hint">（{entry.source}）</span>}
      </td>
      <td>
        <ul className="changes">
          {entry.changes.map((change) => (
            <li key={change.path}>
              <span className="path" title={change.path}>
                {place(change.path)}
              </span>
              ：{shown(change.before)} → {shown(change.after)}
            </li>
          ))}
        </ul>
      </td>
      <td>{entry.reason ?? ''}</td>
      <td>
        <Link to={`/sheets/${sheetId}?asOf=${encodeURIComponent(entry.at)}`} aria-label={`この時点のシート（版${entry.version}）`}>
          この時点のシート
        </Link>
      </td>
    </tr>
  );
}
