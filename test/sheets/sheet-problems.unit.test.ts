import { CommandIdReusedError, WrongExpectedVersionError } from '@shinchoku/event-store';
import { toProblem } from '@shinchoku/http';
import { VersionMismatch } from '@shinchoku/sheets/application/command-errors';
import { InvalidCursorError } from '@shinchoku/sheets/application/sheet-queries';
import { DomainError } from '@shinchoku/sheets/domain/errors';
import { sheetProblem } from '@shinchoku/sheets/http/sheet-problems';

/** The typed errors of sheets as the HTTP edge answers them: the one place their statuses live. */
const answer = (error: unknown) => {
  const problem = toProblem(error, [sheetProblem]);
  return { ...problem.body(), headers: problem.headers };
};

describe('sheetProblem', () => {
  it('answers a missing sheet, goal, indicator or ward plan 404', () => {
    for (const code of ['SheetNotFound', 'GoalNotFound', 'IndicatorNotFound', 'WardPlanNotFound'] as const) {
      expect(answer(new DomainError(code, 'there is none'))).toMatchObject({ status: 404, code, detail: 'there is none' });
    }
  });

  it('answers any other broken rule 422, naming the field of the body at fault', () => {
    expect(answer(new DomainError('ReasonRequired', 'a correction needs its reason', 'reason'))).toMatchObject({
      status: 422,
      code: 'ReasonRequired',
      errors: [{ path: 'body.reason', message: 'a correction needs its reason' }],
    });
    expect(answer(new DomainError('SheetClosed', 'the sheet is closed'))).not.toHaveProperty('errors');
  });

  it('answers a stale If-Match 412 with both versions and the current ETag', () => {
    expect(answer(new VersionMismatch(3, 5))).toMatchObject({
      status: 412,
      code: 'VersionMismatch',
      expectedVersion: 3,
      actualVersion: 5,
      detail: 'the sheet is at version 5, not 3; reload it and try again',
      headers: { etag: '"5"' },
    });
  });

  it('answers a conflict it gave up retrying 409, a reused key 422 and a foreign cursor 400', () => {
    expect(answer(new WrongExpectedVersionError('sheet-x', 3, 4))).toMatchObject({
      status: 409,
      code: 'ConcurrentChange',
      expectedVersion: 3,
      actualVersion: 4,
    });
    expect(answer(new CommandIdReusedError('u:k'))).toMatchObject({
      status: 422,
      code: 'IdempotencyKeyReused',
      errors: [{ path: 'header.idempotency-key' }],
    });
    expect(answer(new InvalidCursorError())).toMatchObject({ status: 400, code: 'InvalidRequest', errors: [{ path: 'query.cursor' }] });
  });

  it('leaves other errors to the filter: a bug is a 500 that tells nothing', () => {
    expect(sheetProblem(new Error('boom'))).toBeUndefined();
    expect(answer(new Error('boom'))).toMatchObject({ status: 500, code: 'InternalError' });
  });
});
