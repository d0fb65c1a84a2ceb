export interface ConflictCell {
  label: string;
  mine: string;
  theirs: string;
}

/** Someone else saved first: both values side by side, and nothing of theirs overwritten. */
export function ConflictAlert({ cells, from, to }: { cells: ConflictCell[]; from: number; to: number }) {
  return (
    <div role="alert" className="conflict">
      <p>
        <strong>保存されていません。</strong>このシートは表示中に他の人が変更しました（版 {from} → {to}
        ）。下の値を確かめ、必要なら入力し直して、もう一度「保存」してください。
      </p>
      {cells.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">項目</th>
              <th scope="col">あなたの入力</th>
              <th scope="col">現在の値（他の人の変更後）</th>
            </tr>
          </thead>
          <tbody>
            {cells.map((cell) => (
              <tr key={cell.label}>
                <th scope="row">{cell.label}</th>
                <td>{cell.mine}</td>
                <td>{cell.theirs || '（未記入）'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
