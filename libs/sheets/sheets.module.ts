import { Module } from '@nestjs/common';
import { Kysely } from 'kysely';
import { EventStore } from '@shinchoku/event-store';
import { Metrics } from '@shinchoku/metrics';
import type { Config } from '@shinchoku/config';
import { CONFIG, Clock } from '@shinchoku/runtime';
import { SheetCommands, WardPlanCommands } from './application/sheet-commands';
import { SheetQueries } from './application/sheet-queries';
import { SheetsController } from './http/sheets.controller';
import { WardPlansController } from './http/ward-plans.controller';

@Module({
  controllers: [SheetsController, WardPlansController],
  providers: [
    {
      provide: SheetCommands,
      useFactory: (store: EventStore, clock: Clock, config: Config, metrics?: Metrics) =>
        new SheetCommands(store, clock, config.progressThresholds, metrics),
      inject: [EventStore, Clock, CONFIG, { token: Metrics, optional: true }],
    },
    {
      provide: WardPlanCommands,
      useFactory: (store: EventStore, clock: Clock, metrics?: Metrics) => new WardPlanCommands(store, clock, metrics),
      inject: [EventStore, Clock, { token: Metrics, optional: true }],
    },
    { provide: SheetQueries, useFactory: (db: Kysely<any>) => new SheetQueries(db), inject: [Kysely] },
  ],
  exports: [SheetCommands, WardPlanCommands, SheetQueries],
})
export class SheetsModule {}
