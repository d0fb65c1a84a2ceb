import type { Undated } from '@shinchoku/sheets';
import type { IsoDate } from '@shinchoku/municipality';
import { DomainError } from '@shinchoku/sheets/domain';
import { DocumentError, type Location } from '../drafts';

/** A command as the importer will give it, with the date it is made on and where it was read. */
export interface Step<C> {
  command: Undated<C>;
  today: IsoDate;
  at: Location;
}

/**
 * Decides every step against the state it will meet, keeping only those that change something;
 * and the state they leave.
 * A published rating that differs from what the indicators suggest is kept as the document says,
 * with the document named as its reason.
 */
export function dryRun<S, C extends { type: string; today: string }, E>(
  steps: Array<Step<C>>,
  initial: S | undefined,
  decideFn: (command: C, state: S | undefined) => E[] | DomainError,
  evolveFn: (state: S | undefined, event: E) => S,
  file: string,
  reopened?: (state: S) => S,
): { steps: Array<Step<C>>; state: S | undefined } {
  let state = initial;
  const kept: Array<Step<C>> = [];
  for (const step of steps) {
    let dated = { ...step.command, today: step.today } as unknown as C;
    let decision = decideFn(dated, state);
    if (decision instanceof DomainError && decision.code === 'ReasonRequired' && dated.type === 'Evaluate') {
      const command = { ...step.command, reason: `取込元の文書 ${file} のとおり` } as Undated<C>;
      step.command = command;
      dated = { ...command, today: step.today } as unknown as C;
      decision = decideFn(dated, state);
    }
    // A closed sheet refuses every command, even one that would change nothing: only a change is an error.
    if (decision instanceof DomainError && decision.code === 'SheetClosed' && reopened) {
      const change = decideFn(dated, reopened(state!));
      if (Array.isArray(change) && change.length === 0) continue;
    }
    if (decision instanceof DomainError) throw new DocumentError(step.at, decision.message, decision.code);
    if (decision.length === 0) continue;
    state = decision.reduce<S | undefined>((s, event) => evolveFn(s, event), state);
    kept.push(step);
  }
  return { steps: kept, state };
}
