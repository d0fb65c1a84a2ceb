import { DomainError } from '@shinchoku/sheets/domain/errors';
import type { SheetCommand } from '@shinchoku/sheets/domain/sheet.commands';
import { refused, sheet } from './deciders';
import { run, seed西区地域課 } from './sheet-builder';

/** The helper's own checks must be able to fail, or every test written with it could not. */
const planned = run(seed西区地域課()).events;
const setDate: SheetCommand = { type: 'SetEvaluationDate', today: '2024-06-03', date: '2025-05-07' };
const expected = [{ type: 'EvaluationDateSet', data: { evaluationDate: '2025-05-07', on: '2024-06-03' } }] as const;

describe('DeciderSpecification on the sheet', () => {
  it('then: passes on exactly the events, and returns the state they fold into', () => {
    expect(
      sheet
        .given(planned)
        .when(setDate)
        .then([...expected])?.evaluationDate,
    ).toBe('2025-05-07');
  });

  it('then: fails on other events, on none, and on a refusal', () => {
    expect(() => sheet.given(planned).when(setDate).then([])).toThrow();
    expect(() =>
      sheet
        .given(planned)
        .when({ ...setDate, date: '2025-05-08' })
        .then([...expected]),
    ).toThrow();
    expect(() =>
      sheet
        .given([])
        .when(setDate)
        .then([...expected]),
    ).toThrow(/refused/);
  });

  it('thenNothingHappened: fails when the command has events', () => {
    const again = [...planned, ...expected];
    sheet.given(again).when(setDate).thenNothingHappened();
    expect(() => sheet.given(planned).when(setDate).thenNothingHappened()).toThrow();
  });

  it('thenThrows: fails when accepted, on another class, on another code, and when the check says false', () => {
    sheet.given([]).when(setDate).thenThrows(DomainError, refused('SheetNotFound'));
    sheet
      .given([])
      .when(setDate)
      .thenThrows((refusal) => (refusal as DomainError).code === 'SheetNotFound');
    expect(() => sheet.given(planned).when(setDate).thenThrows(DomainError)).toThrow(/expected a refusal/);
    expect(() => sheet.given([]).when(setDate).thenThrows(TypeError)).toThrow();
    expect(() => sheet.given([]).when(setDate).thenThrows(DomainError, refused('SheetClosed'))).toThrow();
    expect(() => sheet.given([]).when(setDate).thenThrows(DomainError, refused('SheetNotFound', 'date'))).toThrow();
    expect(() =>
      sheet
        .given([])
        .when(setDate)
        .thenThrows(() => false),
    ).toThrow(/does not match/);
  });
});
