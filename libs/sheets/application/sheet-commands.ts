import type { Kysely } from 'kysely';
import type { Database } from '@shinchoku/database';
import { EventStore } from '@shinchoku/event-store';
import type { CommandObserver } from '@shinchoku/metrics';
import type { Clock } from '@shinchoku/runtime';
import type { SheetCommand } from '../domain/sheet.commands';
import type { SheetEvent } from '../domain/sheet.events';
import type { Sheet } from '../domain/sheet.types';
import type { ProgressThresholds } from '../domain/progress';
import type { WardPlan, WardPlanCommand, WardPlanEvent } from '../domain/ward-plan';
import { sheetAggregate, wardPlanAggregate } from './aggregates';
import { CommandRunner } from './command-runner';
import type { SheetViewCache } from './sheet-view-cache';

/** Injectable runners, one per aggregate. */
export class SheetCommands extends CommandRunner<Sheet, SheetCommand, SheetEvent> {
  constructor(
    db: Kysely<Database>,
    store: EventStore,
    clock: Clock,
    thresholds: ProgressThresholds,
    observer?: CommandObserver,
    private readonly views?: SheetViewCache,
  ) {
    super(db, store, sheetAggregate(thresholds), clock, observer);
  }

  /**
   * Forgets this process's copy of the sheet before the caller can answer, so a read after the
   * answer sees the command (SheetChanges reports it too, but later). Whatever the outcome:
   * a command that failed may still have committed.
   */
  protected override settled(id: string): void {
    this.views?.drop(id);
  }
}

export class WardPlanCommands extends CommandRunner<WardPlan, WardPlanCommand, WardPlanEvent> {
  constructor(db: Kysely<Database>, store: EventStore, clock: Clock, observer?: CommandObserver) {
    super(db, store, wardPlanAggregate, clock, observer);
  }
}
