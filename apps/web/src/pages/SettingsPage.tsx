import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ORGANIZATION, useAccess } from '../api/access';
import { ApiError, answer, api, ifMatch } from '../api/client';
import type { ReminderSettings, SettingSource, SettingsChange } from '../api/models';
import { SETTINGS_KEY, useSettings, useSettingsHistory } from '../api/queries';
import { DateText, ErrorMessage, Pending, Permitted } from '../components/common';

/**
 * The reminder policy and the closed days (閉庁日), where each comes from, and every change so far,
 * for those who may read them (administrators, auditors, coordinators); administrators also change
 * them, with a reason.
 */
export function SettingsPage() {
  return (
    <>
      <h1>設定</h1>
      <Permitted permission="settings.read">
        <Settings />
      </Permitted>
    </>
  );
}

function Settings() {
  const settings = useSettings();
  const mayChange = useAccess().may('settings.write', ORGANIZATION);
  const [saved, setSaved] = useState<string>();
  return (
    <>
      {!settings.data ? (
        <Pending error={settings.error} label="設定" />
      ) : (
        <>
          <Current settings={settings.data.settings} />
          {mayChange && (
            <ChangeForm key={settings.data.version} settings={settings.data.settings} version={settings.data.version} onSaved={setSaved} />
          )}
          <p role="status">{saved}</p>
        </>
      )}
      <History />
    </>
  );
}

const days = (list: number[]) => (list.length > 0 ? list.map((d) => `${d}開庁日前`).join('、') : 'なし');

function Current({ settings }: { settings: ReminderSettings }) {
  const { policy, closedDays, sources } = settings;
  return (
    <>
      <section aria-labelledby="settings-policy">
        <h2 id="settings-policy">通知の方針</h2>
        <dl>
          <dt>評価日の前</dt>
          <dd>{days(policy.evaluation.businessDaysBefore)}</dd>
          <dt>四半期末の前</dt>
          <dd>{days(policy.progress.businessDaysBefore)}</dd>
          <dt>評価日を過ぎたとき</dt>
          <dd>
            {policy.overdue.businessDays}開庁日のあいだ毎日督促：
            {policy.overdue.escalation.map((step) => `${step.fromBusinessDay}日目から${step.role}`).join('、')}
          </dd>
        </dl>
        <Source source={sources.policy} />
      </section>
      <section aria-labelledby="settings-closed">
        <h2 id="settings-closed">閉庁日</h2>
        {closedDays.length === 0 ? (
          <p>土日・祝日・年末年始のほかにはありません。</p>
        ) : (
          <ul aria-label="閉庁日の一覧">
            {closedDays.map((day) => (
              <li key={day}>
                <DateText iso={day} />
              </li>
            ))}
          </ul>
        )}
        <Source source={sources.closedDays} />
      </section>
    </>
  );
}

function Source({ source }: { source: SettingSource }) {
  if (source.from === 'environment') return <p className="hint">出典：環境変数 {source.variable}（記録された変更はありません）</p>;
  return (
    <p className="hint">
      出典：{source.actor.name}による変更（
      <DateText iso={source.recordedAt} />
      、理由：{source.reason ?? '—'}）
    </p>
  );
}

/** "14, 7、3" → [14, 7, 3]; anything else goes to the API as is, which names the field at fault. */
const numbers = (text: string) =>
  text
    .split(/[\s,、]+/)
    .filter(Boolean)
    .map(Number);

function ChangeForm({ settings, version, onSaved }: { settings: ReminderSettings; version: number; onSaved: (message: string) => void }) {
  const queryClient = useQueryClient();
  const { policy } = settings;
  const [evaluation, setEvaluation] = useState(policy.evaluation.businessDaysBefore.join(', '));
  const [progress, setProgress] = useState(policy.progress.businessDaysBefore.join(', '));
  const [overdueDays, setOverdueDays] = useState(String(policy.overdue.businessDays));
  const [escalation, setEscalation] = useState(policy.overdue.escalation.map((step) => String(step.fromBusinessDay)));
  const [addDay, setAddDay] = useState('');
  const [removeDay, setRemoveDay] = useState('');
  const [reason, setReason] = useState('');
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const changedPolicy = {
    ...policy,
    // The document leaves the department overrides untyped (their keys are normalised on input): sent back as read.
    departments: policy.departments as Record<string, never>,
    evaluation: { ...policy.evaluation, businessDaysBefore: numbers(evaluation) },
    progress: { ...policy.progress, businessDaysBefore: numbers(progress) },
    overdue: {
      businessDays: Number(overdueDays),
      escalation: policy.overdue.escalation.map((step, i) => ({ ...step, fromBusinessDay: Number(escalation[i]) })),
    },
  };
  const policyChanged = JSON.stringify(changedPolicy) !== JSON.stringify(policy);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFailure(undefined);
    setBusy(true);
    try {
      await answer(
        api.PATCH('/api/v1/settings/reminders', {
          headers: ifMatch(version),
          body: {
            reason,
            ...(policyChanged && { policy: changedPolicy }),
            ...(addDay && { addClosedDays: [addDay] }),
            ...(removeDay && { removeClosedDays: [removeDay] }),
          },
        }),
      );
      onSaved('設定を変更しました。');
      await queryClient.invalidateQueries({ queryKey: SETTINGS_KEY });
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  const conflict = failure instanceof ApiError && failure.status === 412;
  return (
    <form aria-labelledby="settings-change" onSubmit={(event) => void submit(event)}>
      <h2 id="settings-change">設定の変更</h2>
      <div className="field">
        <label htmlFor="settings-evaluation">評価日の何開庁日前に通知するか（カンマ区切り）</label>
        <input id="settings-evaluation" value={evaluation} onChange={(e) => setEvaluation(e.target.value)} inputMode="numeric" />
      </div>
      <div className="field">
        <label htmlFor="settings-progress">四半期末の何開庁日前に通知するか（カンマ区切り）</label>
        <input id="settings-progress" value={progress} onChange={(e) => setProgress(e.target.value)} inputMode="numeric" />
      </div>
      <div className="field">
        <label htmlFor="settings-overdue">評価日を過ぎてから督促する開庁日数</label>
        <input id="settings-overdue" type="number" min={0} max={60} value={overdueDays} onChange={(e) => setOverdueDays(e.target.value)} />
      </div>
      {policy.overdue.escalation.map((step, i) => (
        <div className="field" key={i}>
          <label htmlFor={`settings-escalation-${i}`}>{step.role}への督促を始める日（評価日後の何開庁日目か）</label>
          <input
            id={`settings-escalation-${i}`}
            type="number"
            min={1}
            max={60}
            value={escalation[i]}
            onChange={(e) => setEscalation(escalation.map((value, j) => (j === i ? e.target.value : value)))}
          />
        </div>
      ))}
      <div className="field">
        <label htmlFor="settings-add-day">追加する閉庁日</label>
        <input id="settings-add-day" type="date" value={addDay} onChange={(e) => setAddDay(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="settings-remove-day">削除する閉庁日</label>
        <select id="settings-remove-day" value={removeDay} onChange={(e) => setRemoveDay(e.target.value)}>
          <option value="">（削除しない）</option>
          {settings.closedDays.map((day) => (
            <option key={day} value={day}>
              {day}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="settings-reason">理由（必須）</label>
        <textarea id="settings-reason" required value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      {conflict ? (
        <div role="alert" className="error">
          <p>他の管理者が設定を変更しました。この変更は保存していません。最新の設定を読み込んでから、もう一度変更してください。</p>
          <button type="button" className="secondary" onClick={() => void queryClient.invalidateQueries({ queryKey: SETTINGS_KEY })}>
            最新の設定を読み込む
          </button>
        </div>
      ) : (
        failure !== undefined && <ErrorMessage error={failure} />
      )}
      <div className="actions">
        <button type="submit" disabled={busy || (!policyChanged && !addDay && !removeDay)}>
          変更を保存
        </button>
      </div>
    </form>
  );
}

function History() {
  const history = useSettingsHistory();
  return (
    <section aria-labelledby="settings-history">
      <h2 id="settings-history">変更の履歴</h2>
      {!history.data ? (
        <Pending error={history.error} label="変更の履歴" />
      ) : history.data.items.length === 0 ? (
        <p>まだ変更はありません（環境変数の値のままです）。</p>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">日時</th>
              <th scope="col">変更した人</th>
              <th scope="col">内容</th>
              <th scope="col">理由</th>
            </tr>
          </thead>
          <tbody>
            {[...history.data.items].reverse().map((change) => (
              <tr key={change.version}>
                <td>
                  <DateText iso={change.recordedAt} />
                </td>
                <td>{change.actor.name}</td>
                <td>{describe(change)}</td>
                <td>{change.reason ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function describe({ data }: SettingsChange): string {
  if ('policy' in data) {
    return `通知の方針：評価日の${days(data.policy.evaluation.businessDaysBefore)}、四半期末の${days(data.policy.progress.businessDaysBefore)}、督促${data.policy.overdue.businessDays}開庁日`;
  }
  const parts = [
    ...(data.added.length > 0 ? [`閉庁日を追加 ${data.added.join('、')}`] : []),
    ...(data.removed.length > 0 ? [`閉庁日を削除 ${data.removed.join('、')}`] : []),
  ];
  return parts.join('／') || '閉庁日を設定';
}
