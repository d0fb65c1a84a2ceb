/** The stream moved on since the caller read it; reload, decide again, retry. */
export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`stream ${streamId} is at version ${actualVersion}, not the expected ${expectedVersion}`);
  }
}

export class EmptyAppendError extends Error {
  override readonly name = 'EmptyAppendError';
  constructor(readonly streamId: string) {
    super(`an append to ${streamId} needs at least one event`);
  }
}

/** A command id (an Idempotency-Key) came back with a different command: refused, never mistaken for a retry. */
export class CommandIdReusedError extends Error {
  override readonly name = 'CommandIdReusedError';
  constructor(readonly commandId: string) {
    super(`command id ${commandId} was already used for a different command`);
  }
}
