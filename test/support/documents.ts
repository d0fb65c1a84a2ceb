import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { DocumentImporter } from '@shinchoku/documents';
import { EventStore } from '@shinchoku/event-store';
import { SheetCommands, SheetQueries, WardPlanCommands } from '@shinchoku/sheets';
import { sheetUpcasters } from '@shinchoku/sheets/domain/upcasters';
import { DEFAULT_PROGRESS_THRESHOLDS } from '@shinchoku/sheets/domain/progress';
import type { Sheet } from '@shinchoku/sheets/domain/sheet.types';
import { Json, TestClock } from './api';
import { createTestDatabase, TestDatabase } from './test-database';

export const SEED_000 = '000_49b4172ac8662452.txt';
export const SEED_004 = '004_228aefcc8638a33f.txt';
export const seedFile = (name: string) => readFileSync(join(__dirname, '../fixtures/seeds', name));
export const importer = { id: 'u-import', name: '取込 花子' };

export interface ImportContext {
  database: TestDatabase;
  clock: TestClock;
  sheets: SheetCommands;
  wardPlans: WardPlanCommands;
  queries: SheetQueries;
  importer: DocumentImporter;
}

/** An importer over a fresh database of its own, as the application wires it. */
export async function openImporter(): Promise<ImportContext & { close(): Promise<void> }> {
  const database = await createTestDatabase(10);
  const store = new EventStore(database.db, sheetUpcasters);
  const clock = new TestClock(new Date('2024-04-01T09:00:00+09:00'));
  const sheets = new SheetCommands(database.db, store, clock, DEFAULT_PROGRESS_THRESHOLDS);
  const wardPlans = new WardPlanCommands(database.db, store, clock);
  const queries = new SheetQueries(database.db);
  return {
    database,
    clock,
    sheets,
    wardPlans,
    queries,
    importer: new DocumentImporter(sheets, wardPlans, queries, clock),
    close: () => database.close(),
  };
}

export async function eventCount(context: ImportContext): Promise<number> {
  const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM events`.execute(context.database.db);
  return Number(rows[0]!.n);
}

/** Every sheet's current state, keyed by department and unit. */
export async function allSheets(context: ImportContext): Promise<Map<string, Sheet>> {
  const rows = await context.database.db.selectFrom('sheets').select('state').execute();
  return new Map(rows.map(({ state }) => [`${(state as Sheet).department} ${(state as Sheet).unit}`, state as Sheet]));
}

export async function editable(content: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as unknown as ExcelJS.Buffer);
  return workbook;
}

/** Sets the cell of an indicator's row (by its name) in the column with the given heading. */
export function setCell(workbook: ExcelJS.Workbook, unit: string, indicator: string, heading: string, value: string): void {
  cellOf(workbook, unit, indicator, heading).value = value;
}

export function cellOf(workbook: ExcelJS.Workbook, unit: string, indicator: string, heading: string): ExcelJS.Cell {
  const ws = workbook.getWorksheet(unit)!;
  let column = 0;
  let row = 0;
  ws.eachRow((r, n) =>
    r.eachCell((cell, c) => {
      if (cell.value === heading) column = c;
      if (cell.value === indicator) row = n;
    }),
  );
  return ws.getCell(row, column);
}

/** Uploads a file to POST /api/v1/imports as a browser would (multipart, field "file"). */
export async function upload(
  api: { url: string },
  name: string,
  content: Buffer | ExcelJS.Workbook,
  token: string,
  query = '',
): Promise<{ status: number; body: Json }> {
  const bytes = content instanceof ExcelJS.Workbook ? Buffer.from(await content.xlsx.writeBuffer()) : content;
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const response = await fetch(`${api.url}/api/v1/imports${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: response.status, body: await response.json() };
}

/** A workbook as GET …/export.xlsx gives it, opened for editing. */
export async function exportedWorkbook(api: { url: string }, path: string, token: string): Promise<ExcelJS.Workbook> {
  const response = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`export refused (${response.status})`);
  return editable(Buffer.from(await response.arrayBuffer()));
}
