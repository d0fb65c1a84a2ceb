import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import type { LoggerService } from '@nestjs/common';
import { StartupError } from '@shinchoku/config';
import { DocumentError, ImportReport, indicatorsCsv, openDocuments, writeWorkbook } from '@shinchoku/documents';
import type { Actor } from '@shinchoku/event-store';
import type { Resources } from '@shinchoku/runtime';
import { fiscalYearLabel } from '@shinchoku/sheets/domain/calendar';
import type { Sheet } from '@shinchoku/sheets/domain/sheet.types';
import type { WardPlan } from '@shinchoku/sheets/domain/ward-plan';

/** sysexits: the input file is unreadable as a document / cannot be opened. */
export const EX_DATAERR = 65;
export const EX_NOINPUT = 66;

const commandLine = (): Actor => {
  const user = userInfo().username;
  return { id: `cli:${user}`, name: `${user} (command line)` };
};

const summary = (r: ImportReport) =>
  `${r.file}: ${r.sheets} sheets, ${r.goals} goals, ${r.indicators} indicators, ${r.priorityGoals} 重点目標 — ${r.commands} commands, ${r.events} events (sha256 ${r.sha256.slice(0, 12)}…)`;

/** `shinchoku import <file>…`: each file whole or not at all; the first that fails stops the run. */
export async function importFiles(resources: Resources, files: readonly string[]): Promise<number> {
  const { importer } = openDocuments(resources);
  const actor = commandLine();
  for (const file of files) {
    if (!existsSync(file)) {
      console.error(`${file}: no such file`);
      return EX_NOINPUT;
    }
    try {
      console.log(summary(await importer.import(basename(file), readFileSync(file), actor)));
    } catch (error) {
      if (!(error instanceof DocumentError)) throw error;
      console.error(`${file}: ${error.message} — nothing of it was imported`);
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
export async function exportDocument(resources: Resources, request: ExportRequest): Promise<number> {
  const { exporter } = openDocuments(resources);
  let found: { sheets: Sheet[]; wardPlan?: WardPlan; name: string } | undefined;
  if (request.sheet) {
    const sheet = await exporter.sheet(request.sheet);
    if (sheet) found = { sheets: [sheet], name: `${fiscalYearLabel(sheet.fiscalYear)}_${sheet.department}_${sheet.unit}` };
  } else {
    const ward = await exporter.ward(request.ward!, request.year!);
    if (ward.sheets.length > 0 || ward.wardPlan) found = { ...ward, name: `${fiscalYearLabel(request.year!)}_${ward.name}` };
  }
  if (!found) {
    console.error(request.sheet ? `there is no sheet ${request.sheet}` : `there are no sheets of ${request.ward} for fiscal ${request.year}`);
    return EX_NOINPUT;
  }
  const output = request.output ?? `${found.name}.${request.format}`;
  const content = request.format === 'csv' ? indicatorsCsv(found.sheets, resources.config.progressThresholds) : await writeWorkbook(found.sheets, found.wardPlan);
  writeFileSync(output, content);
  console.log(`wrote ${output} (${found.sheets.length} sheets)`);
  return 0;
}

/** `start --demo`: the two seed documents, imported on the first start; later starts find them in place. */
export async function loadDemo(resources: Resources, logger: LoggerService): Promise<void> {
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
