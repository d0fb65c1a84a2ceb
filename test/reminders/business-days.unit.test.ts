import {
  businessCalendar,
  businessDaysAfter,
  businessDaysBefore,
  closedBecause,
  onOrBeforeBusinessDay,
} from '@shinchoku/reminders/domain/business-days';

const calendar = businessCalendar(['2025-06-02']); // a municipality's own 閉庁日 (a Monday)

describe('business days (開庁日)', () => {
  it.each([
    ['2025-05-02', undefined],
    ['2025-05-03', '土曜日'],
    ['2025-05-04', '日曜日'],
    ['2025-05-05', 'こどもの日'],
    ['2025-05-06', '休日'], // 振替休日 for 5/4 (みどりの日, a Sunday)
    ['2025-04-29', '昭和の日'],
    ['2024-12-27', undefined],
    ['2024-12-30', '年末年始'],
    ['2024-12-31', '年末年始'],
    ['2025-01-01', '元日'],
    ['2025-01-02', '年末年始'],
    ['2025-01-03', '年末年始'],
    ['2025-01-06', undefined],
    ['2025-06-02', '閉庁日'],
    ['2025-06-03', undefined],
  ])('%s → %s', (date, reason) => {
    const found = closedBecause(calendar, date);
    if (reason === '休日') expect(found).toMatch(/休日/);
    else expect(found).toBe(reason);
  });

  it.each([
    // 評価日 after Golden Week: 4/29 and 5/3–5/6 are closed
    ['2025-05-07', 1, '2025-05-02'],
    ['2025-05-07', 3, '2025-04-30'],
    ['2025-05-07', 7, '2025-04-23'],
    ['2025-05-07', 14, '2025-04-14'],
    // 評価日 right after 年末年始 (12/28–1/5 closed)
    ['2025-01-06', 1, '2024-12-27'],
    ['2025-01-06', 3, '2024-12-25'],
    ['2025-01-06', 7, '2024-12-19'],
    ['2025-01-06', 14, '2024-12-10'],
    // the quarter's last day, closed itself (12/31), counts from the day before
    ['2024-12-31', 5, '2024-12-23'],
    // the municipality's closed day is skipped like a holiday
    ['2025-06-04', 2, '2025-05-30'],
    // zero days before a closed day moves to the previous business day
    ['2025-05-06', 0, '2025-05-02'],
  ])('%s minus %i business days → %s', (date, days, expected) => {
    expect(businessDaysBefore(calendar, date, days)).toBe(expected);
  });

  it('a send day that is closed moves to the previous business day', () => {
    expect(onOrBeforeBusinessDay(calendar, '2025-01-03')).toBe('2024-12-27');
    expect(onOrBeforeBusinessDay(calendar, '2025-05-07')).toBe('2025-05-07');
  });

  it('lists business days after a date, skipping closed ones', () => {
    expect(businessDaysAfter(calendar, '2025-05-02', 3)).toEqual(['2025-05-07', '2025-05-08', '2025-05-09']);
    expect(businessDaysAfter(calendar, '2024-12-27', 2)).toEqual(['2025-01-06', '2025-01-07']);
  });
});
