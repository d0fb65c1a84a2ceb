/**
 * Decider tests that read as the rule they check, after Emmett's DeciderSpecification:
 *
 *   sheet.given([...events]).when(command).then([...events])
 *   sheet.given([...events]).when(command).thenThrows(DomainError, (error) => …)
 *
 * A decider may refuse by throwing or by returning the error; either is a refusal here.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): readonly Event[] | Error;
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** What a refusal must be: a boolean, or expectations of its own (returning nothing). */
type ErrorCheck<E> = (error: E) => boolean | void;

export interface Then<Event, State> {
  /** Exactly these events; returns the state they fold into, for what a test checks of it. */
  then(expected: readonly Event[]): State;
  /** Accepted, and no event: the command changes nothing. */
  thenNothingHappened(): void;
  thenThrows<E extends Error>(type: abstract new (...args: never[]) => E, check?: ErrorCheck<E>): void;
  thenThrows(check: ErrorCheck<Error>): void;
}

export const DeciderSpecification = {
  for<Command, Event, State>(decider: Decider<Command, Event, State>) {
    return {
      given(events: readonly Event[]) {
        return {
          when(command: Command): Then<Event, State> {
            const state = events.reduce(decider.evolve, decider.initialState());
            const decided = decideOrCatch(decider, command, state);
            const accepted = (): readonly Event[] => {
              if (decided instanceof Error) throw new Error(`expected events, the command was refused: ${decided.name}: ${decided.message}`);
              return decided;
            };
            return {
              then(expected) {
                const produced = accepted();
                expect(produced).toStrictEqual(expected);
                return produced.reduce(decider.evolve, state);
              },
              thenNothingHappened() {
                expect(accepted()).toStrictEqual([]);
              },
              thenThrows<E extends Error>(typeOrCheck: (abstract new (...args: never[]) => E) | ErrorCheck<Error>, check?: ErrorCheck<E>) {
                if (!(decided instanceof Error)) throw new Error(`expected a refusal, got ${JSON.stringify(decided)}`);
                const isType = typeOrCheck.prototype instanceof Error || typeOrCheck === Error;
                if (isType) expect(decided).toBeInstanceOf(typeOrCheck);
                const verdict = (isType ? check : (typeOrCheck as ErrorCheck<Error>))?.(decided as E);
                if (verdict === false) throw new Error(`the refusal does not match: ${decided.name}: ${decided.message}`);
              },
            };
          },
        };
      },
    };
  },
};

function decideOrCatch<Command, Event, State>(decider: Decider<Command, Event, State>, command: Command, state: State): readonly Event[] | Error {
  try {
    return decider.decide(command, state);
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
}
