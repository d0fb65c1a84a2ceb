import { CommandIdReusedError, WrongExpectedVersionError } from '@shinchoku/event-store';
import { Problem, etag } from '@shinchoku/http';
import { VersionMismatch } from '../application/command-errors';
import { InvalidCursorError } from '../application/sheet-queries';
import { DomainError, type DomainErrorCode } from '../domain/errors';

const NOT_FOUND: ReadonlySet<DomainErrorCode> = new Set(['SheetNotFound', 'GoalNotFound', 'IndicatorNotFound', 'WardPlanNotFound']);

/** The problem each typed error of sheets and ward plans answers (see ProblemFilter); undefined for others'. */
export function sheetProblem(error: unknown): Problem | undefined {
  if (error instanceof DomainError) {
    const errors = error.path ? [{ path: `body.${error.path}`, message: error.message }] : undefined;
    return new Problem(NOT_FOUND.has(error.code) ? 404 : 422, error.code, error.message, errors);
  }
  if (error instanceof VersionMismatch) {
    const { expectedVersion, actualVersion } = error;
    return new Problem(412, 'VersionMismatch', error.message, undefined, { expectedVersion, actualVersion }).withHeader(
      'etag',
      etag(actualVersion),
    );
  }
  if (error instanceof WrongExpectedVersionError) {
    const { expectedVersion, actualVersion } = error;
    return new Problem(
      409,
      'ConcurrentChange',
      `the sheet changed while this request was applied (now version ${actualVersion}); reload and retry`,
      undefined,
      {
        expectedVersion,
        actualVersion,
      },
    );
  }
  if (error instanceof CommandIdReusedError) {
    return new Problem(422, 'IdempotencyKeyReused', 'this Idempotency-Key was already used for a different request', [
      { path: 'header.idempotency-key', message: 'use a new key for a new request' },
    ]);
  }
  if (error instanceof InvalidCursorError) {
    return new Problem(400, 'InvalidRequest', 'the cursor is not one this API gave out', [
      { path: 'query.cursor', message: 'pass back nextCursor unchanged' },
    ]);
  }
  return undefined;
}
