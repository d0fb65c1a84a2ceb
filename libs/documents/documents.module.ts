import { Module } from '@nestjs/common';
import type { DocumentsConfig as Config } from './documents-settings';
import { CONFIG, Clock } from '@shinchoku/runtime';
import { SheetCommands, SheetQueries, SheetsModule, WardPlanCommands } from '@shinchoku/sheets';
import { DocumentExporter } from './application/exporter';
import { DocumentImporter } from './application/importer';
import { DocumentReader } from './reading/document-reader';
import { ImportsController, SheetExportsController, WardExportsController } from './http/documents.controller';

@Module({
  imports: [SheetsModule],
  controllers: [ImportsController, SheetExportsController, WardExportsController],
  providers: [
    {
      provide: DocumentImporter,
      useFactory: (sheets: SheetCommands, wardPlans: WardPlanCommands, queries: SheetQueries, clock: Clock, config: Config) =>
        new DocumentImporter(sheets, wardPlans, queries, clock, new DocumentReader(config.importLimits)),
      inject: [SheetCommands, WardPlanCommands, SheetQueries, Clock, CONFIG],
    },
    {
      provide: DocumentExporter,
      useFactory: (sheets: SheetCommands, queries: SheetQueries) => new DocumentExporter(sheets, queries),
      inject: [SheetCommands, SheetQueries],
    },
  ],
})
export class DocumentsModule {}
