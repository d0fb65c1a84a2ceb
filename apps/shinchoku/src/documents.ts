import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import type { LoggerService } from '@nestjs/common';
import { StartupError } from '@shinchoku/config';
import {
  Conflict,
  DocumentError,
  Exported,
  ImportOptions,
  ImportReport,
  indicatorsCsv,
  openDocuments,
  StaleWorkbookError,
  writeWorkbook,
} from '@shinchoku/documents';
import type { Actor } from '@shinchoku/event-store';
import type { Resources } from '@shinchoku/runtime';
import type { ShinchokuConfig } from '@shinchoku/system';
import { fiscalYearLabel } from '@shinchoku/municipality';

/** sysexits: the input file is unreadable as a document / cannot be opened. */
export const EX_DATAERR = 65;
export const EX_NOINPUT = 66;

const commandLine = (): Actor => {
  const user = userInfo().username;
  return { id: `cli:${user}`, name: `${user} (command line)` };
};

const summary = (r: ImportReport) =>
  `${r.file}: ${r.sheets} sheets, ${r.goals} goals, ${r.indicators} indicators, ${r.priorityGoals} 重点目標 — ${r.commands} commands, ${r.events} events${r.dryRun ? ' (dry run: nothing written)' : ''} (sha256 ${r.sha256.slice(0, 12)}…)`;

/** One line per cell changed on both sides since the workbook's export. */
const conflictLines = (conflicts: readonly Conflict[]) =>
  conflicts.map(
    (c) =>
      `  ${c.department} ${c.unit} ${c.indicator ?? ''} ${c.field}${c.quarter ? ` Q${c.quarter}` : ''}: workbook ${c.workbook ?? '(blank)'}, now ${c.current ?? '(blank)'} — changed by ${c.changedBy.name} at ${c.changedAt}`,
  );

/** `shinchoku import [--force] [--dry-run] <file>…`: each file whole or not at all; the first that fails stops the run. */
export async function importFiles(
  resources: Resources<ShinchokuConfig>,
  files: readonly string[],
  options: ImportOptions = {},
): Promise<number> {
  const { importer } = openDocuments(resources);
  const actor = commandLine();
  for (const file of files) {
    if (!existsSync(file)) {
      console.error(`${file}: no such file`);
      return EX_NOINPUT;
    }
    try {
      const report = await importer.import(basename(file), readFileSync(file), actor, undefined, options);
      console.log([summary(report), ...conflictLines(report.conflicts)].join('\n'));
    } catch (error) {
      if (!(error instanceof DocumentError)) throw error;
      const conflicts = error instanceof StaleWorkbookError ? conflictLines(error.conflicts) : [];
      console.error([`${file}: ${error.message} — nothing of it was imported`, ...conflicts].join('\n'));
      return EX_DATAERR;
    }
  }
  return 0;
}

export interface ExportRequest {
  sheet?: string;
  ward?: string;
  year?: number;
  format: 'xlsx' | 'csv';
  output?: string;
}

/** `shinchoku export --sheet <id> | --ward <department> --year <fiscal year> [--format csv] [--output file]`. */
export async function exportDocument(resources: Resources<ShinchokuConfig>, request: ExportRequest): Promise<number> {
  const { exporter } = openDocuments(resources);
  let found: (Exported & { name: string }) | undefined;
  if (request.sheet) {
    const one = await exporter.sheet(request.sheet);
    const sheet = one?.sheets[0];
    if (sheet) found = { ...one, name: `${fiscalYearLabel(sheet.fiscalYear)}_${sheet.department}_${sheet.unit}` };
  } else {
    const ward = await exporter.ward(request.ward!, request.year!);
    if (ward.sheets.length > 0 || ward.wardPlan) found = { ...ward, name: `${fiscalYearLabel(request.year!)}_${ward.name}` };
  }
  if (!found) {
    console.error(
      request.sheet ? `there is no sheet ${request.sheet}` : `there are no sheets of ${request.ward} for fiscal ${request.year}`,
    );
    return EX_NOINPUT;
  }
  const output = request.output ?? `${found.name}.${request.format}`;
  const content =
    request.format === 'csv'
      ? indicatorsCsv(found.sheets, resources.config.progressThresholds)
      : await writeWorkbook(found.sheets, found.wardPlan, found.versions);
  writeFileSync(output, content);
  console.log(`wrote ${output} (${found.sheets.length} sheets)`);
  return 0;
}

/** `start --demo`: the two seed documents, imported on the first start; later starts find them in place. */
export async function loadDemo(resources: Resources<ShinchokuConfig>, logger: LoggerService): Promise<void> {
  const folder = seedFolder();
  const { importer } = openDocuments(resources);
  for (const name of ['000_49b4172ac8662452.txt', '004_228aefcc8638a33f.txt']) {
    const report = await importer.import(name, readFileSync(join(folder, name)), { id: 'demo', name: 'Demo data (start --demo)' });
    logger.log(summary(report), 'Demo');
  }
}

/** The seeds ship with the source and the image (test/fixtures/seeds), found from wherever this file was compiled to. */
function seedFolder(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const folder = resolve(dir, 'test/fixtures/seeds');
    if (existsSync(folder)) return folder;
  }
  throw new StartupError('--demo needs the seed documents (test/fixtures/seeds) of a source checkout or the image');
}
