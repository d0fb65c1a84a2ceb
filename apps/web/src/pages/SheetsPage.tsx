import type { ChangeEvent } from 'react';
import type { SheetListItem, SheetStatus } from '../api/models';
import { useCompletion, useSheets } from '../api/queries';
import { DateText, Link, Pending, StateBadge } from '../components/common';
import { QUARTERS, STATUS_LABEL } from '../format';
import { navigate } from '../router';

const FILTERS = ['fiscalYear', 'department', 'unit', 'status'] as const;
type Filter = (typeof FILTERS)[number];

const distinct = <T,>(values: T[]) => [...new Set(values)].sort();

/** The sheets the person may see, filtered by 年度 / 部 / 課 / status (kept in the URL, so a view can be shared). */
export function SheetsPage({ query }: { query: URLSearchParams }) {
  const sheets = useSheets({});
  const chosen = Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? ''])) as Record<Filter, string>;
  const years = distinct((sheets.data ?? []).map((s) => s.fiscalYear));
  const completion = useCompletion(years);
  if (!sheets.data) return <Pending error={sheets.error} label="シート" />;

  const missing = new Map<string, number[]>();
  for (const result of completion) {
    for (const unit of result.data?.units ?? []) {
      missing.set(
        unit.sheetId,
        QUARTERS.filter((q) => unit.quarters[q].due && unit.quarters[q].missing.length > 0),
      );
    }
  }
  const shown = sheets.data.filter(
    (s) =>
      (!chosen.fiscalYear || String(s.fiscalYear) === chosen.fiscalYear) &&
      (!chosen.department || s.department === chosen.department) &&
      (!chosen.unit || s.unit === chosen.unit) &&
      (!chosen.status || s.status === chosen.status),
  );
  const choose = (filter: Filter) => (event: ChangeEvent<HTMLSelectElement>) => {
    const next = new URLSearchParams(query);
    if (event.target.value) next.set(filter, event.target.value);
    else next.delete(filter);
    navigate(`/sheets${next.size ? `?${next}` : ''}`, true);
  };
  const options: Record<Filter, Array<[string, string]>> = {
    fiscalYear: years.map((y) => [String(y), sheets.data.find((s) => s.fiscalYear === y)!.fiscalYearLabel]),
    department: distinct(sheets.data.map((s) => s.department)).map((d) => [d, d]),
    unit: distinct(sheets.data.filter((s) => !chosen.department || s.department === chosen.department).map((s) => s.unit)).map((u) => [
      u,
      u,
    ]),
    status: (Object.keys(STATUS_LABEL) as SheetStatus[]).map((s) => [s, STATUS_LABEL[s]]),
  };
  const labels: Record<Filter, string> = { fiscalYear: '年度', department: '部・区', unit: '課', status: '状態' };

  return (
    <>
      <h1>マイシート</h1>
      <form className="filters" aria-label="絞り込み" onSubmit={(e) => e.preventDefault()}>
        {FILTERS.map((filter) => (
          <div key={filter}>
            <label htmlFor={`filter-${filter}`}>{labels[filter]}</label>
            <select id={`filter-${filter}`} value={chosen[filter]} onChange={choose(filter)}>
              <option value="">すべて</option>
              {options[filter].map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        ))}
      </form>
      <p aria-live="polite">{shown.length}件のシート</p>
      <table className="list">
        <thead>
          <tr>
            <th scope="col">年度</th>
            <th scope="col">部・区</th>
            <th scope="col">課</th>
            <th scope="col">状態</th>
            <th scope="col">進捗</th>
            <th scope="col">未記入の四半期</th>
            <th scope="col">評価</th>
            <th scope="col">評価日</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((sheet) => (
            <SheetRow key={sheet.sheetId} sheet={sheet} missing={missing.get(sheet.sheetId)} />
          ))}
        </tbody>
      </table>
    </>
  );
}

function SheetRow({ sheet, missing }: { sheet: SheetListItem; missing: number[] | undefined }) {
  return (
    <tr>
      <td>{sheet.fiscalYearLabel}</td>
      <td>{sheet.department}</td>
      <th scope="row">
        <Link to={`/sheets/${sheet.sheetId}`}>{sheet.unit}</Link>
      </th>
      <td>{STATUS_LABEL[sheet.status]}</td>
      <td>
        <StateBadge state={sheet.progressState} />
      </td>
      <td>{missing === undefined ? '—' : missing.length === 0 ? 'なし' : missing.map((q) => `第${q}四半期`).join('・')}</td>
      <td>
        {sheet.evaluated}/{sheet.goals}目標
      </td>
      <td>
        <DateText iso={sheet.evaluationDate} />
      </td>
    </tr>
  );
}
