import { CommandIdReusedError, WrongExpectedVersionError } from '@shinchoku/event-store';
import type { CommandOutcome } from '@shinchoku/metrics';
import { DomainError } from '../domain/errors';
import { VersionMismatch } from './command-errors';

/**
 * Published on the EventBus after every command of this process, whatever its outcome, before its
 * caller is answered: `events` are what it appended (none for a no-op, a refusal, or a failure).
 * A failed command may still have committed (the connection broke at the commit), so subscribers
 * that keep copies of the stream's state treat any command as a possible change.
 */
export class CommandSettled {
  constructor(
    /** 'sheet', 'ward-plan' */
    readonly aggregate: string,
    readonly id: string,
    readonly command: string,
    readonly outcome: CommandOutcome,
    readonly seconds: number,
    readonly events: readonly { type: string }[],
  ) {}
}

/** Where a runner reports each command: the EventBus in the application, nothing in a script. */
export interface CommandSettledPublisher {
  publish(settled: CommandSettled): unknown;
}

/** A command that threw, as metrics count it: the client's to resolve (conflict, rejected) or ours (failed). */
export function failureOutcome(error: unknown): CommandOutcome {
  if (error instanceof VersionMismatch || error instanceof WrongExpectedVersionError) return 'conflict';
  if (error instanceof DomainError || error instanceof CommandIdReusedError) return 'rejected';
  return 'failed';
}
