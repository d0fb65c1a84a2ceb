import { Clock, Resources, systemClock } from '@shinchoku/runtime';
import { SheetCommands, SheetQueries, WardPlanCommands } from '@shinchoku/sheets';
import { DocumentExporter } from './exporter';
import { DocumentImporter } from './importer';
import { DocumentReader } from '../reading/document-reader';
import type { DocumentsConfig } from '../documents-settings';

/** The importer and exporter outside Nest (the command line, the demo data at start). */
export function openDocuments(
  resources: Resources<DocumentsConfig>,
  clock: Clock = systemClock,
): { importer: DocumentImporter; exporter: DocumentExporter } {
  const { db } = resources.database;
  const sheets = new SheetCommands(db, resources.store, clock, resources.config.progressThresholds);
  const queries = new SheetQueries(db);
  return {
    importer: new DocumentImporter(
      sheets,
      new WardPlanCommands(db, resources.store, clock),
      queries,
      clock,
      new DocumentReader(resources.config.importLimits),
    ),
    exporter: new DocumentExporter(sheets, queries),
  };
}
