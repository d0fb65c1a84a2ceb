import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useAccess } from '../api/access';
import { ApiError, answer, api, download, ifMatch } from '../api/client';
import type { GoalView, IndicatorView, Quarter, SheetView } from '../api/models';
import { fetchSheet, sheetKey, useSheet } from '../api/queries';
import { ConflictAlert, type ConflictCell } from '../components/ConflictAlert';
import { DateText, ErrorMessage, Link, Pending, StateBadge } from '../components/common';
import { EvaluationForm, type EvaluationInput } from '../components/EvaluationForm';
import { QuarterChart } from '../components/QuarterChart';
import { QUARTERS, STATUS_LABEL, percent } from '../format';

type CellKey = `${string}:${Quarter}`;
const cellKey = (indicatorId: string, q: Quarter): CellKey => `${indicatorId}:${q}`;
const recordedText = (indicator: IndicatorView | undefined, q: Quarter) => indicator?.progress[`${q}`]?.value.text ?? '';

interface Conflict {
  cells: ConflictCell[];
  from: number;
  to: number;
}

/** The sheet in the layout of the paper one: header, goals, 指標, 目標, 第1–第4四半期, 結果, 評価. */
export function SheetPage({ sheetId, asOf }: { sheetId: string; asOf: string | null }) {
  // Both asked at once: what the sheet says, and what this person may do on it.
  const sheet = useSheet(sheetId, asOf);
  const access = useAccess();
  const queryClient = useQueryClient();
  const [drafts, setDrafts] = useState(new Map<CellKey, string>());
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [conflict, setConflict] = useState<Conflict>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);
  const loaded = sheet.data !== undefined;
  // A link to one goal (#goal-3, from the ward grid) lands on it once the sheet is there.
  useEffect(() => {
    if (loaded && location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
  }, [loaded]);
  if (!sheet.data || !access.me) return <Pending error={sheet.error ?? access.error} label="シート" />;
  const { sheet: view, version } = sheet.data;
  const where = { department: view.department, unit: view.unit };
  // A past version or a closed sheet takes no change from anyone; otherwise the grants decide, as on the server.
  const open = asOf === null && view.status !== 'closed';
  const mayRecord = open && access.may('sheet.record', where);
  const mayEvaluate = open && access.may('sheet.evaluate', where);
  const indicators = new Map(view.goals.flatMap((g) => g.indicators.map((i) => [i.indicatorId, i] as const)));
  const changed = [...drafts].filter(([key, value]) => {
    const [id, q] = key.split(':') as [string, string];
    return value.trim() !== '' && value.trim() !== recordedText(indicators.get(id), Number(q) as Quarter);
  });
  const correcting = changed.some(([key]) => {
    const [id, q] = key.split(':') as [string, string];
    return recordedText(indicators.get(id), Number(q) as Quarter) !== '';
  });
  const labelOf = (key: CellKey) => {
    const [id, q] = key.split(':') as [string, string];
    return `${indicators.get(id)?.name ?? id} 第${q}四半期`;
  };

  /** After a 412: the sheet as it is now, kept beside what the person typed, which stays in the inputs. */
  async function showConflict(from: number, remaining: Array<[CellKey, string]>) {
    const fresh = await fetchSheet(sheetId, null, true);
    queryClient.setQueryData(sheetKey(sheetId), fresh);
    const now = new Map(fresh.sheet.goals.flatMap((g) => g.indicators.map((i) => [i.indicatorId, i] as const)));
    setConflict({
      from,
      to: fresh.version,
      cells: remaining.map(([key, mine]) => {
        const [id, q] = key.split(':') as [string, string];
        return {
          label: labelOf(key),
          mine,
          theirs: recordedText(now.get(id), Number(q) as Quarter),
        };
      }),
    });
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(undefined);
    setConflict(undefined);
    let current = version;
    const remaining = [...changed];
    try {
      while (remaining.length > 0) {
        const [key, value] = remaining[0]!;
        const [indicatorId, quarter] = key.split(':') as [string, string];
        const reply = await answer<{ version: number }>(
          api.PUT('/api/v1/sheets/{sheetId}/indicators/{indicatorId}/progress/{quarter}', {
            params: { path: { sheetId, indicatorId, quarter: Number(quarter) } },
            headers: ifMatch(current),
            body: {
              value: value.trim(),
              ...(note.trim() && { note: note.trim() }),
              ...(reason.trim() && { reason: reason.trim() }),
            },
          }),
        );
        current = reply.body.version;
        remaining.shift();
        setDrafts((d) => new Map([...d].filter(([k]) => k !== key)));
      }
      queryClient.setQueryData(sheetKey(sheetId), await fetchSheet(sheetId, null, true));
      setNote('');
      setReason('');
      setSaved(`${changed.length}件を保存しました（版 ${current}）。`);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 412) await showConflict(current, remaining);
      else setError(failure);
    } finally {
      setBusy(false);
    }
  }

  async function evaluate(goal: GoalView, input: EvaluationInput) {
    try {
      await answer(
        api.PUT('/api/v1/sheets/{sheetId}/goals/{goalId}/evaluation', {
          params: { path: { sheetId, goalId: goal.goalId } },
          headers: ifMatch(version),
          body: input,
        }),
      );
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 412) {
        await showConflict(version, []);
        throw new Error('このシートは他の人が変更しました。最新の内容を確かめて、もう一度保存してください。', { cause: failure });
      }
      throw failure;
    }
    queryClient.setQueryData(sheetKey(sheetId), await fetchSheet(sheetId, null, true));
  }

  async function exportAs(kind: 'xlsx' | 'csv') {
    setError(undefined);
    try {
      const path = kind === 'xlsx' ? '/api/v1/sheets/{sheetId}/export.xlsx' : '/api/v1/sheets/{sheetId}/export.csv';
      const { body } = await answer<Blob>(api.GET(path, { params: { path: { sheetId } }, parseAs: 'blob' }));
      download(body, `${view.fiscalYearLabel}_${view.department}_${view.unit}.${kind}`);
    } catch (failure) {
      setError(failure);
    }
  }

  const input = (indicator: IndicatorView, q: Quarter) => {
    const key = cellKey(indicator.indicatorId, q);
    return (
      <input
        className="quarter"
        form="progress-form"
        aria-label={`${indicator.name} 第${q}四半期`}
        value={drafts.get(key) ?? recordedText(indicator, q)}
        readOnly={!mayRecord}
        title={indicator.progress[`${q}`]?.note}
        onChange={(e) => setDrafts((d) => new Map(d).set(key, e.target.value))}
      />
    );
  };

  return (
    <article className="sheet">
      <h1>
        {view.fiscalYearLabel} 組織目標管理シート　{view.department} {view.unit}
      </h1>
      {asOf && (
        <p className="asof" role="note">
          <DateText iso={asOf} /> 時点のシート（版 {version}
          ）を表示しています。読み取り専用です。
          <Link to={`/sheets/${sheetId}`}>現在のシートへ</Link>
        </p>
      )}
      <SheetHeader view={view} version={version} />
      <nav className="actions no-print" aria-label="シートの操作">
        <Link to={`/sheets/${sheetId}/history`}>履歴</Link>
        <button type="button" className="secondary" onClick={() => void exportAs('xlsx')}>
          Excelで出力
        </button>
        <button type="button" className="secondary" onClick={() => void exportAs('csv')}>
          CSVで出力
        </button>
        <button type="button" className="secondary" onClick={() => print()}>
          印刷
        </button>
      </nav>
      {open && !mayRecord && (
        <p className="hint" role="note">
          閲覧のみ：このシートに進捗を記入する権限がありません。
        </p>
      )}
      {conflict && <ConflictAlert {...conflict} />}
      {error !== undefined && <ErrorMessage error={error} />}
      {view.goals.map((goal) => (
        <section key={goal.goalId} className="goal" id={`goal-${goal.no}`} aria-labelledby={`goal-${goal.goalId}`}>
          <h2 id={`goal-${goal.goalId}`}>
            目標{goal.no}　<StateBadge state={goal.progressState} />
          </h2>
          <p className="goal-text">{goal.text}</p>
          {goal.initiatives.length > 0 && <p className="initiatives">取組：{goal.initiatives.map((i) => i.name).join('／')}</p>}
          <table className="indicators">
            <thead>
              <tr>
                <th scope="col">指標</th>
                <th scope="col">目標</th>
                {QUARTERS.map((q) => (
                  <th scope="col" key={q}>
                    第{q}四半期
                  </th>
                ))}
                <th scope="col">結果</th>
                <th scope="col">進捗</th>
                <th scope="col" className="no-print-col">
                  推移
                </th>
              </tr>
            </thead>
            <tbody>
              {goal.indicators.map((indicator) => (
                <tr key={indicator.indicatorId}>
                  <th scope="row">
                    {indicator.name}
                    {indicator.progressEntry === 'toDate' && <span className="hint">（累計で記入）</span>}
                  </th>
                  <td>{indicator.target?.text ?? '—'}</td>
                  {QUARTERS.map((q) => (
                    <td key={q}>{input(indicator, q)}</td>
                  ))}
                  <td>{indicator.result?.value.text ?? '—'}</td>
                  <td>
                    <StateBadge state={indicator.progressState.latest?.state ?? 'noData'} />
                    <span className="rate">{percent(indicator.progressState.latest?.achievementRate)}</span>
                    {indicator.warnings.length > 0 && (
                      <ul className="warnings">
                        {indicator.warnings.map((w) => (
                          <li key={w.code}>
                            <span aria-hidden="true">⚠ </span>
                            <span className="sr-only">警告：</span>
                            {w.message}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td className="no-print-col">
                    <QuarterChart indicator={indicator} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {goal.evaluation && (
            <p className="evaluated">
              評価：<strong>{goal.evaluation.rating}</strong>（
              <DateText iso={goal.evaluation.evaluatedOn} />）{goal.evaluation.status}
            </p>
          )}
          {mayEvaluate && <EvaluationForm goal={goal} onSave={(input) => evaluate(goal, input)} />}
        </section>
      ))}
      {/* The quarter inputs above belong to this form (their form attribute): Enter in any of them saves. */}
      {mayRecord && (
        <form id="progress-form" onSubmit={(event) => void save(event)} aria-label="四半期の進捗の保存" className="save no-print">
          <label htmlFor="note">備考</label>
          <input id="note" value={note} onChange={(e) => setNote(e.target.value)} />
          {correcting && (
            <>
              <label htmlFor="reason">修正の理由</label>
              <input id="reason" value={reason} onChange={(e) => setReason(e.target.value)} />
            </>
          )}
          <button type="submit" disabled={busy || changed.length === 0}>
            保存
          </button>
          <span role="status">{saved ?? (changed.length > 0 ? `${changed.length}件の未保存の変更` : '')}</span>
        </form>
      )}
    </article>
  );
}

function SheetHeader({ view, version }: { view: SheetView; version: number }) {
  return (
    <dl className="sheet-header">
      <div>
        <dt>年度</dt>
        <dd>{view.fiscalYearLabel}</dd>
      </div>
      <div>
        <dt>部・区</dt>
        <dd>{view.department}</dd>
      </div>
      <div>
        <dt>課</dt>
        <dd>{view.unit}</dd>
      </div>
      <div>
        <dt>状態</dt>
        <dd>{STATUS_LABEL[view.status]}</dd>
      </div>
      <div>
        <dt>作成日</dt>
        <dd>
          <DateText iso={view.createdOn} />
        </dd>
      </div>
      <div>
        <dt>評価日</dt>
        <dd>
          <DateText iso={view.evaluationDate} />
        </dd>
      </div>
      <div>
        <dt>版</dt>
        <dd>{version}</dd>
      </div>
    </dl>
  );
}
