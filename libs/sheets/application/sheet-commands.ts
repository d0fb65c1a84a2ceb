import type { Kysely } from 'kysely';
import type { Database } from '@shinchoku/database';
import { EventStore } from '@shinchoku/event-store';
import type { Clock } from '@shinchoku/runtime';
import type { SheetCommand } from '../domain/sheet.commands';
import type { SheetEvent } from '../domain/sheet.events';
import type { Sheet } from '../domain/sheet.types';
import type { ProgressThresholds } from '../domain/progress';
import type { WardPlan, WardPlanCommand, WardPlanEvent } from '../domain/ward-plan';
import { sheetAggregate, wardPlanAggregate } from './aggregates';
import { CommandRunner } from './command-runner';
import type { CommandSettledPublisher } from './command-settled';

/** Injectable runners, one per aggregate. */
export class SheetCommands extends CommandRunner<Sheet, SheetCommand, SheetEvent> {
  constructor(db: Kysely<Database>, store: EventStore, clock: Clock, thresholds: ProgressThresholds, settled?: CommandSettledPublisher) {
    super(db, store, sheetAggregate(thresholds), clock, settled);
  }
}

export class WardPlanCommands extends CommandRunner<WardPlan, WardPlanCommand, WardPlanEvent> {
  constructor(db: Kysely<Database>, store: EventStore, clock: Clock, settled?: CommandSettledPublisher) {
    super(db, store, wardPlanAggregate, clock, settled);
  }
}
