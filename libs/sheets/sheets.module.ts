import { Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule, EventBus } from '@nestjs/cqrs';
import { Kysely } from 'kysely';
import type { Database } from '@shinchoku/database';
import { EventStore } from '@shinchoku/event-store';
import { Metrics } from '@shinchoku/metrics';
import type { Config } from '@shinchoku/config';
import { CONFIG, Clock } from '@shinchoku/runtime';
import { CommandMetrics } from './application/command-metrics';
import { SHEET_COMMAND_HANDLERS } from './application/sheet-bus-commands';
import { SHEET_QUERY_HANDLERS } from './application/sheet-bus-queries';
import { SheetChanges } from './application/sheet-changes';
import { SheetCommands, WardPlanCommands } from './application/sheet-commands';
import { SheetQueries } from './application/sheet-queries';
import { SheetViewCache } from './application/sheet-view-cache';
import { SheetViewInvalidation } from './application/sheet-view-invalidation';
import { IndicatorsController, SheetsController } from './http/sheets.controller';
import { WardPlansController } from './http/ward-plans.controller';

/** Follows the changes of sheets while the application is up, when it keeps any in memory. */
class SheetChangesLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly changes?: SheetChanges) {}

  onApplicationBootstrap() {
    this.changes?.start();
  }

  onApplicationShutdown() {
    return this.changes?.stop();
  }
}

@Module({
  imports: [CqrsModule.forRoot()],
  controllers: [SheetsController, IndicatorsController, WardPlansController],
  providers: [
    {
      provide: SheetCommands,
      useFactory: (db: Kysely<Database>, store: EventStore, clock: Clock, config: Config, events: EventBus) =>
        new SheetCommands(db, store, clock, config.progressThresholds, events),
      inject: [Kysely, EventStore, Clock, CONFIG, EventBus],
    },
    {
      provide: WardPlanCommands,
      useFactory: (db: Kysely<Database>, store: EventStore, clock: Clock, events: EventBus) =>
        new WardPlanCommands(db, store, clock, events),
      inject: [Kysely, EventStore, Clock, EventBus],
    },
    ...SHEET_COMMAND_HANDLERS,
    ...SHEET_QUERY_HANDLERS,
    SheetViewInvalidation,
    CommandMetrics,
    { provide: SheetQueries, useFactory: (db: Kysely<Database>) => new SheetQueries(db), inject: [Kysely] },
    {
      provide: SheetViewCache,
      useFactory: (queries: SheetQueries, config: Config, metrics?: Metrics) =>
        new SheetViewCache(config.sheetCacheEntries, (sheetId) => queries.renderedSheet(sheetId, config.progressThresholds), metrics),
      inject: [SheetQueries, CONFIG, { token: Metrics, optional: true }],
    },
    {
      provide: SheetChangesLifecycle,
      useFactory: (db: Kysely<Database>, views: SheetViewCache, config: Config) =>
        new SheetChangesLifecycle(config.sheetCacheEntries > 0 ? new SheetChanges(db, views, config.sheetCachePollMs) : undefined),
      inject: [Kysely, SheetViewCache, CONFIG],
    },
  ],
  exports: [SheetCommands, WardPlanCommands, SheetQueries],
})
export class SheetsModule {}
