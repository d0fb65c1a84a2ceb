import { frozen, type DeepReadonly } from '@shinchoku/immutable';
import type { DomainError, DomainErrorCode } from '@shinchoku/sheets/domain/errors';
import { decide } from '@shinchoku/sheets/domain/sheet.decide';
import { evolve } from '@shinchoku/sheets/domain/sheet.evolve';
import type { SheetCommand } from '@shinchoku/sheets/domain/sheet.commands';
import type { SheetEvent } from '@shinchoku/sheets/domain/sheet.events';
import type { Sheet } from '@shinchoku/sheets/domain/sheet.types';
import {
  decideWardPlan,
  evolveWardPlan,
  type WardPlan,
  type WardPlanCommand,
  type WardPlanEvent,
} from '@shinchoku/sheets/domain/ward-plan';
import { DeciderSpecification } from '../support/decider-specification';

/**
 * The sheet's decider: no sheet before its first event. Each state is frozen (as the runner's
 * remembered states are), so a decide or evolve that changed the state it was given fails here.
 */
export const sheet = DeciderSpecification.for<SheetCommand, SheetEvent, DeepReadonly<Sheet> | undefined, DomainError>({
  decide,
  evolve: (state, event) => frozen<Sheet>(evolve(state, event)),
  initialState: () => undefined,
});

export const wardPlan = DeciderSpecification.for<WardPlanCommand, WardPlanEvent, DeepReadonly<WardPlan> | undefined, DomainError>({
  decide: decideWardPlan,
  evolve: (state, event) => frozen<WardPlan>(evolveWardPlan(state, event)),
  initialState: () => undefined,
});

/** A refusal with this code (and path), saying why in words. */
export const refused =
  (code: DomainErrorCode, path?: string) =>
  (error: DomainError): void => {
    expect(error.message.length).toBeGreaterThan(0);
    expect({ code: error.code, path: error.path }).toEqual({ code, path });
  };
