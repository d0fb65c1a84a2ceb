import { useQueryClient } from '@tanstack/react-query';
import { useState, type DragEvent } from 'react';
import { answer, api } from '../api/client';
import type { ImportReport } from '../api/models';
import { DateText, ErrorMessage, Link, Permitted } from '../components/common';

/** Sends the file as the API takes it: multipart, in the field "file". */
function sendImport(file: File, mode: { dryRun?: boolean; force?: boolean }) {
  const form = new FormData();
  form.append('file', file, file.name);
  return answer<ImportReport>(
    api.POST('/api/v1/imports', {
      params: { query: { ...(mode.dryRun && { dryRun: 'true' }), ...(mode.force && { force: 'true' }) } },
      body: { file: file.name },
      bodySerializer: () => form,
    }),
  );
}

/** A published document or workbook in, for those who may create sheets somewhere; the API checks each sheet of the file. */
export function ImportPage() {
  return (
    <>
      <h1>取り込み</h1>
      <Permitted permission="sheet.create">
        <Importer />
      </Permitted>
    </>
  );
}

/** What a file would change first (a dry run), then applied. */
function Importer() {
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File>();
  const [report, setReport] = useState<ImportReport>();
  const [applied, setApplied] = useState<ImportReport>();
  const [force, setForce] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [over, setOver] = useState(false);

  async function run<T>(work: () => Promise<T>) {
    setBusy(true);
    setError(undefined);
    try {
      return await work();
    } catch (failure) {
      setError(failure);
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  async function choose(chosen: File | undefined) {
    if (!chosen) return;
    setFile(chosen);
    setReport(undefined);
    setApplied(undefined);
    setForce(false);
    setReport((await run(() => sendImport(chosen, { dryRun: true })))?.body);
  }
  async function apply() {
    if (!file) return;
    const done = await run(() => sendImport(file, { force }));
    if (!done) return;
    setApplied(done.body);
    setReport(undefined);
    await queryClient.invalidateQueries();
  }
  const drop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    void choose(event.dataTransfer.files[0]);
  };

  return (
    <>
      <p>
        公開されている組織目標管理シートの文書（テキスト）か、このシステムで出力したExcelのファイルを取り込みます。まず何が変わるかを確認し、それから取り込みます。
      </p>
      <div
        className={`dropzone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
      >
        <p>ここにファイルをドロップするか、選んでください。</p>
        <label htmlFor="import-file">取り込むファイル</label>
        <input
          id="import-file"
          type="file"
          accept=".txt,.xlsx,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          onChange={(e) => void choose(e.target.files?.[0])}
        />
      </div>
      {busy && <p aria-live="polite">処理しています…</p>}
      {error !== undefined && <ErrorMessage error={error} />}
      {report && (
        <section aria-labelledby="dry-run">
          <h2 id="dry-run">確認（まだ取り込んでいません）</h2>
          <Counts report={report} />
          {report.conflicts.length > 0 && (
            <>
              <table className="list">
                <caption>出力後に他の人が変更したセル（{report.conflicts.length}件）</caption>
                <thead>
                  <tr>
                    <th scope="col">課</th>
                    <th scope="col">項目</th>
                    <th scope="col">ファイルの値</th>
                    <th scope="col">現在の値</th>
                    <th scope="col">変更した人・日時</th>
                  </tr>
                </thead>
                <tbody>
                  {report.conflicts.map((c, i) => (
                    <tr key={i}>
                      <td>{c.unit}</td>
                      <td>
                        {c.indicator ?? ''} {c.field}
                      </td>
                      <td>{c.workbook ?? '（なし）'}</td>
                      <td>{c.current ?? '（なし）'}</td>
                      <td>
                        {c.changedBy.name} <DateText iso={c.changedAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <label className="inline">
                <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
                他の人の変更をファイルの値で上書きする
              </label>
            </>
          )}
          <button
            type="button"
            onClick={() => void apply()}
            disabled={busy || report.commands === 0 || (report.conflicts.length > 0 && !force)}
          >
            取り込む
          </button>
          {report.commands === 0 && <p>このファイルの内容はすべて取り込み済みです。</p>}
        </section>
      )}
      {applied && (
        <section aria-labelledby="applied" role="status">
          <h2 id="applied">取り込みました</h2>
          <Counts report={applied} />
          <Link to="/sheets">マイシートへ</Link>
        </section>
      )}
    </>
  );
}

function Counts({ report }: { report: ImportReport }) {
  return (
    <dl className="counts">
      <div>
        <dt>ファイル</dt>
        <dd>{report.file}</dd>
      </div>
      <div>
        <dt>シート</dt>
        <dd>{report.sheets}</dd>
      </div>
      <div>
        <dt>目標</dt>
        <dd>{report.goals}</dd>
      </div>
      <div>
        <dt>指標</dt>
        <dd>{report.indicators}</dd>
      </div>
      <div>
        <dt>区の重点目標</dt>
        <dd>{report.priorityGoals}</dd>
      </div>
      <div>
        <dt>変更</dt>
        <dd>{report.commands}件</dd>
      </div>
    </dl>
  );
}
