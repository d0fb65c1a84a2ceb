/**
 * CSV as Excel in Japan opens it correctly: UTF-8 with a byte-order mark, CRLF line ends, every
 * field quoted when it holds a comma, quote or line break.
 */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  const line = (fields: ReadonlyArray<unknown>) => fields.map(field).join(',');
  return `\uFEFF${[line(header), ...rows.map(line)].join('\r\n')}\r\n`;
}

function field(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // Text starting with =, +, - or @ would run as a formula in a spreadsheet; plain numbers are left alone.
  const formula = typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^[+-]?\d[\d,.]*$/.test(text);
  const safe = formula ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
