/**
 * Decider tests that read as the rule they check, after Emmett's DeciderSpecification:
 *
 *   sheet.given([...events]).when(command).then([...events])
 *   sheet.given([...events]).when(command).thenThrows(DomainError, (error) => …)
 *
 * A decider refuses by returning what is not a list of events (the sheet's DomainError) or by
 * throwing; either is a refusal here.
 */
export interface Decider<Command, Event, State, Refusal = Error> {
  decide(command: Command, state: State): readonly Event[] | Refusal;
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** Checks a refusal: false, or a failed expectation inside, fails the test. */
type RefusalCheck<R> = (refusal: R) => boolean | void;
type RefusalType<R> = abstract new (...args: never[]) => R;

export interface Then<Event, State> {
  /** Exactly these events; returns the state they fold into, for what a test checks of it. */
  then(expected: readonly Event[]): State;
  /** Accepted, and no event: the command changes nothing. */
  thenNothingHappened(): void;
  /** Refused, and `check` (an arrow function) holds of the refusal. */
  thenThrows(check: RefusalCheck<unknown>): void;
  /** Refused with an instance of `type`, and `check` (if any) holds of it. */
  thenThrows<R>(type: RefusalType<R>, check?: RefusalCheck<R>): void;
}

/** A class, not a check (as Emmett tells them apart: arrow functions have no prototype). */
const isType = (value: unknown): value is RefusalType<unknown> =>
  typeof value === 'function' && (value.prototype as { constructor?: unknown } | undefined)?.constructor === value;

export const DeciderSpecification = {
  for<Command, Event, State, Refusal>(decider: Decider<Command, Event, State, Refusal>) {
    return {
      given(events: readonly Event[]) {
        return {
          when(command: Command): Then<Event, State> {
            const state = events.reduce((s, e) => decider.evolve(s, e), decider.initialState());
            const decided = decideOrCatch(decider, command, state);
            const accepted = (): readonly Event[] => {
              if (!Array.isArray(decided)) throw new Error(`expected events, the command was refused: ${described(decided)}`);
              return decided as readonly Event[];
            };
            return {
              then(expected: readonly Event[]) {
                const produced = accepted();
                expect(produced).toStrictEqual(expected);
                return produced.reduce((s, e) => decider.evolve(s, e), state);
              },
              thenNothingHappened() {
                expect(accepted()).toStrictEqual([]);
              },
              thenThrows(typeOrCheck: RefusalType<unknown> | RefusalCheck<unknown>, check?: RefusalCheck<unknown>) {
                if (Array.isArray(decided)) throw new Error(`expected a refusal, got events: ${JSON.stringify(decided)}`);
                if (isType(typeOrCheck)) expect(decided).toBeInstanceOf(typeOrCheck);
                const verdict = (isType(typeOrCheck) ? check : typeOrCheck)?.(decided);
                if (verdict === false) throw new Error(`the refusal does not match: ${described(decided)}`);
              },
            };
          },
        };
      },
    };
  },
};

function decideOrCatch<Command, Event, State, Refusal>(
  decider: Decider<Command, Event, State, Refusal>,
  command: Command,
  state: State,
): unknown {
  try {
    return decider.decide(command, state);
  } catch (error) {
    return error;
  }
}

const described = (refusal: unknown) => (refusal instanceof Error ? String(refusal.stack) : JSON.stringify(refusal));
