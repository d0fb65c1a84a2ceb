import { useState, type FormEvent } from 'react';
import type { ProgressState, Rating, SheetListItem } from '../api/models';
import { useCompletion, useSheetViews, useSheets, useWardSummary } from '../api/queries';
import { DateText, Link, Pending, StateBadge } from '../components/common';
import { QUARTERS, STATE_LABEL, percent } from '../format';
import { navigate } from '../router';

/** A ward (部・区) and year at a glance: 重点目標, the unit × goal grid, what is at risk, what is missing. */
export function WardPage({ department, fiscalYear }: { department: string | null; fiscalYear: string | null }) {
  const all = useSheets({});
  if (!all.data) return <Pending error={all.error} label="シート" />;
  const departments = [...new Set(all.data.map((s) => s.department))].sort();
  const years = [...new Set(all.data.map((s) => s.fiscalYear))].sort().reverse();
  const chosen = {
    department: department ?? departments[0] ?? '',
    fiscalYear: fiscalYear ?? String(years[0] ?? ''),
  };
  const sheets = all.data.filter((s) => s.department === chosen.department && String(s.fiscalYear) === chosen.fiscalYear);
  return (
    <>
      <h1>区の状況</h1>
      <WardChooser departments={departments} years={years} chosen={chosen} />
      {chosen.department && chosen.fiscalYear && <WardYear department={chosen.department} fiscalYear={chosen.fiscalYear} sheets={sheets} />}
    </>
  );
}

function WardChooser({
  departments,
  years,
  chosen,
}: {
  departments: string[];
  years: number[];
  chosen: { department: string; fiscalYear: string };
}) {
  const [department, setDepartment] = useState(chosen.department);
  const [fiscalYear, setFiscalYear] = useState(chosen.fiscalYear);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(`/ward?${new URLSearchParams({ department, fiscalYear })}`);
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="表示する範囲">
      <div>
        <label htmlFor="ward-department">部・区</label>
        <select id="ward-department" value={department} onChange={(e) => setDepartment(e.target.value)}>
          {departments.map((d) => (
            <option key={d}>{d}</option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="ward-year">年度</label>
        <select id="ward-year" value={fiscalYear} onChange={(e) => setFiscalYear(e.target.value)}>
          {years.map((y) => (
            <option key={y} value={y}>
              {y}年度
            </option>
          ))}
        </select>
      </div>
      <button type="submit">表示</button>
    </form>
  );
}

function WardYear({ department, fiscalYear, sheets }: { department: string; fiscalYear: string; sheets: SheetListItem[] }) {
  const summary = useWardSummary(department, fiscalYear);
  const [completion] = useCompletion([Number(fiscalYear)]);
  const views = useSheetViews(sheets.map((s) => s.sheetId));
  const goalNos = [...new Set(views.flatMap((v) => v.data?.sheet.goals.map((g) => g.no) ?? []))].sort((a, b) => a - b);
  const missing = (completion?.data?.units ?? []).filter(
    (u) => u.ward === department && QUARTERS.some((q) => u.quarters[q].due && u.quarters[q].missing.length > 0),
  );
  return (
    <>
      <section aria-labelledby="priority">
        <h2 id="priority">重点目標</h2>
        {summary.data ? (
          <>
            <p className="counts">
              目標数 <strong>{summary.data.goalCount}</strong>　達成数 <strong>{summary.data.achievedCount}</strong>
              {summary.data.updatedThrough && (
                <span className="hint">
                  （<DateText iso={summary.data.updatedThrough} /> までの記録を集計）
                </span>
              )}
            </p>
            <ol className="priority">
              {summary.data.priorityGoals.map((p) => (
                <li key={p.no}>
                  {p.text}　
                  <span className={p.achieved ? 'state state-onTrack' : 'state state-noData'}>{p.achieved ? '達成' : '未達成'}</span>
                  <span className="hint">（関連する課の目標 {p.goals.length}件）</span>
                </li>
              ))}
            </ol>
          </>
        ) : (
          <Pending error={summary.error} label="重点目標" />
        )}
      </section>
      <section aria-labelledby="grid">
        <h2 id="grid">課ごとの評価と進捗</h2>
        {/* Whole or not at all: a grid with rows still loading would read as units without goals. */}
        {views.some((v) => !v.data) ? (
          <Pending error={views.find((v) => v.error)?.error} label="各課のシート" />
        ) : (
          <table className="list grid">
            <thead>
              <tr>
                <th scope="col">課</th>
                {goalNos.map((no) => (
                  <th scope="col" key={no}>
                    目標{no}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {sheets.map((sheet, i) => {
                const goals = views[i]?.data?.sheet.goals ?? [];
                return (
                  <tr key={sheet.sheetId}>
                    <th scope="row">
                      <Link to={`/sheets/${sheet.sheetId}`}>{sheet.unit}</Link>
                    </th>
                    {goalNos.map((no) => {
                      const goal = goals.find((g) => g.no === no);
                      return (
                        <td key={no}>
                          {goal && (
                            <GridCell
                              to={`/sheets/${sheet.sheetId}#goal-${no}`}
                              label={`${sheet.unit} 目標${no}`}
                              rating={goal.evaluation?.rating ?? null}
                              state={goal.progressState}
                            />
                          )}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="risk">
        <h2 id="risk">遅れ・注意の指標</h2>
        {summary.data && summary.data.indicatorsAtRisk.length === 0 && <p>ありません。</p>}
        <ul>
          {summary.data?.indicatorsAtRisk.map((r) => (
            <li key={`${r.sheetId}:${r.goalNo}:${r.indicator}`}>
              <Link to={`/sheets/${r.sheetId}#goal-${r.goalNo}`}>
                {r.unit} 目標{r.goalNo}「{r.indicator}」
              </Link>{' '}
              第{r.quarter}四半期 <StateBadge state={r.state} /> {percent(r.achievementRate)}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="missing">
        <h2 id="missing">未記入の四半期がある課</h2>
        {completion?.data && missing.length === 0 && <p>ありません。</p>}
        <ul>
          {missing.map((u) => (
            <li key={u.sheetId}>
              <Link to={`/sheets/${u.sheetId}`}>{u.unit}</Link>：
              {QUARTERS.filter((q) => u.quarters[q].due && u.quarters[q].missing.length > 0)
                .map((q) => `第${q}四半期（${u.quarters[q].missing.length}指標）`)
                .join('、')}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

function GridCell({ to, label, rating, state }: { to: string; label: string; rating: Rating | null; state: ProgressState }) {
  return (
    <Link to={to} className="cell" aria-label={`${label}：評価 ${rating ?? '未評価'}、進捗 ${STATE_LABEL[state]}`}>
      <span className="rating">{rating ?? '—'}</span> <StateBadge state={state} />
    </Link>
  );
}
