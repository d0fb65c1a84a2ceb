import { Module } from '@nestjs/common';
import { Kysely } from 'kysely';
import { EventStore } from '@shinchoku/event-store';
import { Metrics } from '@shinchoku/metrics';
import type { Config } from '@shinchoku/config';
import { CONFIG, Clock } from '@shinchoku/runtime';
import { SheetCommands, WardPlanCommands } from './application/sheet-commands';
import { SheetQueries } from './application/sheet-queries';
import { IndicatorsController, SheetsController } from './http/sheets.controller';
import { WardPlansController } from './http/ward-plans.controller';

@Module({
  controllers: [SheetsController, IndicatorsController, WardPlansController],
  providers: [
    {
      provide: SheetCommands,
      useFactory: (db: Kysely<any>, store: EventStore, clock: Clock, config: Config, metrics?: Metrics) =>
        new SheetCommands(db, store, clock, config.progressThresholds, metrics),
      inject: [Kysely, EventStore, Clock, CONFIG, { token: Metrics, optional: true }],
    },
    {
      provide: WardPlanCommands,
      useFactory: (db: Kysely<any>, store: EventStore, clock: Clock, metrics?: Metrics) => new WardPlanCommands(db, store, clock, metrics),
      inject: [Kysely, EventStore, Clock, { token: Metrics, optional: true }],
    },
    { provide: SheetQueries, useFactory: (db: Kysely<any>) => new SheetQueries(db), inject: [Kysely] },
  ],
  exports: [SheetCommands, WardPlanCommands, SheetQueries],
})
export class SheetsModule {}
