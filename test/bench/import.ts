/**
 * Import speed: the two seed documents (西区 R6: 10 sheets; 東区 R2: 3 sheets and the ward page)
 * repeated under other ward names until they make 1,000 sheets (77 files of 13 sheets each, as a
 * city would bring in its wards' documents one by one), imported into an empty database through
 * the commands; then every file again (finds everything in place, appends nothing). Prints
 * figures; asserts nothing.
 *
 *   BENCH_DATABASE_URL  admin URL (default postgres://postgres@127.0.0.1:5432/postgres); a fresh
 *                       database is created next to it and dropped at the end
 *   BENCH_SHEETS        sheets to reach, at least (default 1000)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { peakRssMiB, withScratchDatabase } from './scratch-database';
import { loadConfig, openResources } from '@shinchoku/system';
import { openDocuments, readDocumentFile } from '@shinchoku/documents';

const SHEETS = Number(process.env.BENCH_SHEETS ?? 1000);
// Compiled to dist/test/bench: the seeds stay in the source tree.
const SEEDS = join(__dirname, '../../../test/fixtures/seeds');
const actor = { id: 'bench', name: 'ベンチマーク' };

/** Copy k of both seeds: the same documents for wards 西k区 and 東k区, so every unit and ward is new. */
function documents(): Array<{ name: string; content: Buffer }> {
  const west = readFileSync(join(SEEDS, '000_49b4172ac8662452.txt'), 'utf8');
  const east = readFileSync(join(SEEDS, '004_228aefcc8638a33f.txt'), 'utf8');
  const files = [];
  for (let k = 1; files.length * 13 < SHEETS; k++) {
    files.push({
      name: `wards-${k}.txt`,
      content: Buffer.from(`${west.replaceAll('西区', `西${k}区`)}\n${east.replaceAll('東区', `東${k}区`)}`),
    });
  }
  return files;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

async function main(): Promise<void> {
  const files = documents();
  const bytes = files.reduce((sum, f) => sum + f.content.length, 0);
  console.log(`import: ${files.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB, aiming at ${SHEETS} sheets`);

  let started = performance.now();
  let sheets = 0;
  for (const file of files) sheets += (await readDocumentFile(file.name, file.content)).draft.sheets.length;
  const parseMs = performance.now() - started;
  console.log(
    `  read only (parse, no database): ${sheets} sheets in ${(parseMs / 1000).toFixed(2)} s — ${Math.round((sheets * 1000) / parseMs)} sheets/s`,
  );

  await withScratchDatabase('import', async (url) => {
    const resources = await openResources(
      loadConfig({ DATABASE_URL: url, QUEUE_PREFIX: `bench_import_${Date.now()}`, LOG_LEVEL: 'warn' }),
      {
        logger: { log() {}, warn() {}, error() {} },
      },
    );
    try {
      const { importer } = openDocuments(resources);
      for (const pass of ['first import (empty database)', 'same files again (nothing to do)']) {
        const perFile: number[] = [];
        let events = 0;
        let commands = 0;
        started = performance.now();
        for (const file of files) {
          const t = performance.now();
          const report = await importer.import(file.name, file.content, actor);
          perFile.push(performance.now() - t);
          events += report.events;
          commands += report.commands;
        }
        const seconds = (performance.now() - started) / 1000;
        perFile.sort((a, b) => a - b);
        console.log(
          `  ${pass}: ${sheets} sheets, ${commands} commands, ${events} events in ${seconds.toFixed(1)} s — ` +
            `${Math.round(sheets / seconds)} sheets/s, ${Math.round(events / seconds)} events/s; ` +
            `per 13-sheet file p50 ${percentile(perFile, 50).toFixed(0)} ms, p99 ${percentile(perFile, 99).toFixed(0)} ms`,
        );
      }
      const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM sheets`.execute(resources.database.db);
      console.log(`  sheets in the database: ${rows[0]!.n}; peak RSS ${peakRssMiB()} MiB`);
    } finally {
      await resources.close();
    }
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
