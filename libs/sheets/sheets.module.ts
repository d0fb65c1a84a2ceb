import { Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kysely } from 'kysely';
import type { DatabaseHandle, Listener } from '@shinchoku/database';
import { EventStore } from '@shinchoku/event-store';
import { Metrics } from '@shinchoku/metrics';
import type { Config } from '@shinchoku/config';
import { CONFIG, Clock, DATABASE } from '@shinchoku/runtime';
import { SheetCommands, WardPlanCommands } from './application/sheet-commands';
import { SheetQueries } from './application/sheet-queries';
import { SheetViewCache } from './application/sheet-view-cache';
import { IndicatorsController, SheetsController } from './http/sheets.controller';
import { WardPlansController } from './http/ward-plans.controller';

/** The channel migration 0006's trigger announces each changed sheet's id on (empty: every sheet). */
const SHEET_CHANGED = 'sheet_changed';

/** Keeps the cache serving exactly while this process hears every change of a sheet. */
class SheetChangesListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private listener?: Listener;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly views: SheetViewCache,
  ) {}

  onApplicationBootstrap() {
    this.listener = this.database.listen(SHEET_CHANGED, {
      listening: () => this.views.resume(),
      lost: () => this.views.suspend(),
      notified: (sheetId) => (sheetId ? this.views.drop(sheetId) : this.views.dropAll()),
    });
  }

  onApplicationShutdown() {
    return this.listener?.close();
  }
}

@Module({
  controllers: [SheetsController, IndicatorsController, WardPlansController],
  providers: [
    {
      provide: SheetCommands,
      useFactory: (db: Kysely<any>, store: EventStore, clock: Clock, config: Config, views: SheetViewCache, metrics?: Metrics) =>
        new SheetCommands(db, store, clock, config.progressThresholds, metrics, views),
      inject: [Kysely, EventStore, Clock, CONFIG, SheetViewCache, { token: Metrics, optional: true }],
    },
    {
      provide: WardPlanCommands,
      useFactory: (db: Kysely<any>, store: EventStore, clock: Clock, metrics?: Metrics) => new WardPlanCommands(db, store, clock, metrics),
      inject: [Kysely, EventStore, Clock, { token: Metrics, optional: true }],
    },
    { provide: SheetQueries, useFactory: (db: Kysely<any>) => new SheetQueries(db), inject: [Kysely] },
    {
      provide: SheetViewCache,
      useFactory: (queries: SheetQueries, config: Config, metrics?: Metrics) =>
        new SheetViewCache(config.sheetCacheEntries, (sheetId) => queries.renderedSheet(sheetId), metrics),
      inject: [SheetQueries, CONFIG, { token: Metrics, optional: true }],
    },
    {
      provide: SheetChangesListener,
      useFactory: (database: DatabaseHandle, views: SheetViewCache, config: Config) =>
        config.sheetCacheEntries > 0 ? new SheetChangesListener(database, views) : undefined,
      inject: [DATABASE, SheetViewCache, CONFIG],
    },
  ],
  exports: [SheetCommands, WardPlanCommands, SheetQueries],
})
export class SheetsModule {}
