/**
 * 開庁日 (business days) of a city office: not Saturday or Sunday, not a national holiday
 * (@holiday-jp/holiday_jp), not 年末年始 (12/29–1/3), and not one of the municipality's own
 * 閉庁日. Pure: dates are ISO civil dates in Japan.
 */
import holidayJp from '@holiday-jp/holiday_jp';
import { addDays, dayOfWeek, type IsoDate } from '@shinchoku/municipality';

const HOLIDAYS = holidayJp.holidays as Readonly<Record<string, { name: string } | undefined>>;

export interface BusinessCalendar {
  /** The municipality's own closed days (閉庁日), beyond weekends, holidays and 年末年始. */
  readonly closedDays: ReadonlySet<IsoDate>;
}

export function businessCalendar(closedDays: Iterable<IsoDate> = []): BusinessCalendar {
  return { closedDays: new Set(closedDays) };
}

/** Why the office is closed that day, in the words people use; undefined on a business day. */
export function closedBecause(calendar: BusinessCalendar, date: IsoDate): string | undefined {
  const weekday = dayOfWeek(date);
  if (weekday === 6) return '土曜日';
  if (weekday === 0) return '日曜日';
  const holiday = HOLIDAYS[date];
  if (holiday) return holiday.name;
  const monthDay = date.slice(5);
  if (monthDay >= '12-29' || monthDay <= '01-03') return '年末年始';
  if (calendar.closedDays.has(date)) return '閉庁日';
  return undefined;
}

export const isBusinessDay = (calendar: BusinessCalendar, date: IsoDate): boolean => closedBecause(calendar, date) === undefined;

/** The date itself when the office is open, else the business day before it. */
export function onOrBeforeBusinessDay(calendar: BusinessCalendar, date: IsoDate): IsoDate {
  let day = date;
  while (!isBusinessDay(calendar, day)) day = addDays(day, -1);
  return day;
}

/** The n-th business day before `date` (not counting `date`): 1 business day before Wed 2025-05-07 is Fri 2025-05-02. */
export function businessDaysBefore(calendar: BusinessCalendar, date: IsoDate, n: number): IsoDate {
  let day = date;
  for (let counted = 0; counted < n;) {
    day = addDays(day, -1);
    if (isBusinessDay(calendar, day)) counted += 1;
  }
  return onOrBeforeBusinessDay(calendar, day);
}

/** The first `n` business days after `date`, in order. */
export function businessDaysAfter(calendar: BusinessCalendar, date: IsoDate, n: number): IsoDate[] {
  const days: IsoDate[] = [];
  for (let day = addDays(date, 1); days.length < n; day = addDays(day, 1)) {
    if (isBusinessDay(calendar, day)) days.push(day);
  }
  return days;
}
