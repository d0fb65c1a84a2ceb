import { Module } from '@nestjs/common';
import { Kysely } from 'kysely';
import { EventStore } from '@shinchoku/event-store';
import { SheetCommands, WardPlanCommands } from './application/sheet-commands';
import { SheetQueries } from './application/sheet-queries';
import { SheetsController } from './http/sheets.controller';
import { WardPlansController } from './http/ward-plans.controller';

@Module({
  controllers: [SheetsController, WardPlansController],
  providers: [
    { provide: SheetCommands, useFactory: (store: EventStore) => new SheetCommands(store), inject: [EventStore] },
    { provide: WardPlanCommands, useFactory: (store: EventStore) => new WardPlanCommands(store), inject: [EventStore] },
    { provide: SheetQueries, useFactory: (db: Kysely<any>) => new SheetQueries(db), inject: [Kysely] },
  ],
  exports: [SheetCommands, WardPlanCommands, SheetQueries],
})
export class SheetsModule {}
