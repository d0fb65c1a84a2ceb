/** Prints `header` in columns of `widths` and returns the printer of the rows that follow. */
export function table(header: string[], widths: number[]): (cells: string[]) => void {
  const row = (cells: string[]) =>
    console.log(
      cells
        .map((c, i) => c.padEnd(widths[i]!))
        .join('')
        .trimEnd(),
    );
  row(header);
  return row;
}
