import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ReadStreamOptions, StoredEvent } from '@shinchoku/event-store';
import type { Sheet } from '../domain/sheet.types';
import type { ProgressState } from '../domain/progress';
import type { WardPlan } from '../domain/ward-plan';
import { SheetCommands } from './sheet-commands';
import { SheetQueries, type IndicatorRow, type ListFilter, type Page, type RenderedSheet } from './sheet-queries';
import { SheetViewCache } from './sheet-view-cache';

/** The reads on the QueryBus, each with its one handler: current state from the projection, the past from the stream. */

/** The current sheet as GET sends it; `fresh` reads the database whatever this process keeps. */
export class CurrentSheet extends Query<RenderedSheet | undefined> {
  constructor(
    readonly sheetId: string,
    readonly fresh = false,
  ) {
    super();
  }
}

@QueryHandler(CurrentSheet)
export class CurrentSheetHandler implements IQueryHandler<CurrentSheet> {
  constructor(private readonly views: SheetViewCache) {}

  execute({ sheetId, fresh }: CurrentSheet) {
    return this.views.read(sheetId, fresh);
  }
}

/** The sheet's stream folded up to a version or a moment (`until`), or whole: its state then and the events. */
export class SheetHistory extends Query<{ state: Sheet | undefined; version: number; events: StoredEvent[] }> {
  constructor(
    readonly sheetId: string,
    readonly until: ReadStreamOptions = {},
  ) {
    super();
  }
}

@QueryHandler(SheetHistory)
export class SheetHistoryHandler implements IQueryHandler<SheetHistory> {
  constructor(private readonly sheets: SheetCommands) {}

  execute({ sheetId, until }: SheetHistory) {
    return this.sheets.load(sheetId, until);
  }
}

/** A page of a filtered list; `cursor` is the last page's nextCursor. */
abstract class Listing<T> extends Query<Page<T>> {
  constructor(
    readonly filter: ListFilter,
    readonly limit: number,
    readonly cursor?: string,
  ) {
    super();
  }
}

export class ListSheets extends Listing<{ sheet: Sheet; version: number; progressState: ProgressState }> {}

@QueryHandler(ListSheets)
export class ListSheetsHandler implements IQueryHandler<ListSheets> {
  constructor(private readonly queries: SheetQueries) {}

  execute({ filter, limit, cursor }: ListSheets) {
    return this.queries.sheets(filter, limit, cursor);
  }
}

export class ListIndicators extends Listing<IndicatorRow> {}

@QueryHandler(ListIndicators)
export class ListIndicatorsHandler implements IQueryHandler<ListIndicators> {
  constructor(private readonly queries: SheetQueries) {}

  execute({ filter, limit, cursor }: ListIndicators) {
    return this.queries.indicators(filter, limit, cursor);
  }
}

export class WardPlanById extends Query<{ plan: WardPlan; version: number } | undefined> {
  constructor(readonly wardPlanId: string) {
    super();
  }
}

@QueryHandler(WardPlanById)
export class WardPlanByIdHandler implements IQueryHandler<WardPlanById> {
  constructor(private readonly queries: SheetQueries) {}

  execute({ wardPlanId }: WardPlanById) {
    return this.queries.wardPlan(wardPlanId);
  }
}

export class ListWardPlans extends Query<Array<{ plan: WardPlan; version: number }>> {
  constructor(readonly filter: Parameters<SheetQueries['wardPlans']>[0]) {
    super();
  }
}

@QueryHandler(ListWardPlans)
export class ListWardPlansHandler implements IQueryHandler<ListWardPlans> {
  constructor(private readonly queries: SheetQueries) {}

  execute({ filter }: ListWardPlans) {
    return this.queries.wardPlans(filter);
  }
}

export const SHEET_QUERY_HANDLERS = [
  CurrentSheetHandler,
  SheetHistoryHandler,
  ListSheetsHandler,
  ListIndicatorsHandler,
  WardPlanByIdHandler,
  ListWardPlansHandler,
];
