/**
 * Dates, fiscal years (年度) and 和暦 as the sheets write them. Pure: the clock is never read, and
 * no function depends on the machine's time zone — dates are plain Gregorian calendar dates
 * handled as numbers (Japanese civil dates, Asia/Tokyo, have no time part here).
 *
 * Eras come from the table below rather than from `Intl` (whose output — "元年" or "1年", and which
 * eras it knows — depends on the ICU build); the tests check the table against `Intl` on this Node.
 * Supported eras: 昭和 (S), 平成 (H), 令和 (R). 和暦 labels and dates before 昭和 (1926-12-25)
 * are out of range.
 */

/** A calendar date without time, ISO "YYYY-MM-DD" — shinchoku's dates are Japanese civil dates (Asia/Tokyo). */
export type IsoDate = string;
export type Quarter = 1 | 2 | 3 | 4;

interface Era {
  readonly name: string;
  readonly letter: string;
  /** First day of the era. */
  readonly start: IsoDate;
  /** Last day of the era; undefined for the current one. */
  readonly end?: IsoDate;
}

/** Oldest first. */
const ERAS: readonly Era[] = [
  { name: '昭和', letter: 'S', start: '1926-12-25', end: '1989-01-07' },
  { name: '平成', letter: 'H', start: '1989-01-08', end: '2019-04-30' },
  { name: '令和', letter: 'R', start: '2019-05-01' },
];

/** The first fiscal year with a 和暦 label: 1926's is mostly 大正, which is not supported. */
export const FIRST_LABELLED_FISCAL_YEAR = 1927;
/** The last fiscal year whose end (31 March of the next year) still has a four-digit ISO year. */
export const LAST_FISCAL_YEAR = 9998;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface Ymd {
  year: number;
  month: number;
  day: number;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isValidYmd(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    year >= 1 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

function toIso(year: number, month: number, day: number): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function splitIso(text: string): Ymd | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const ymd = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  return isValidYmd(ymd.year, ymd.month, ymd.day) ? ymd : undefined;
}

function requireDate(date: IsoDate): Ymd {
  const ymd = splitIso(date);
  if (!ymd) throw new RangeError(`not an ISO date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return ymd;
}

function requireFiscalYear(fiscalYear: number): void {
  if (!Number.isInteger(fiscalYear) || fiscalYear < 1 || fiscalYear > LAST_FISCAL_YEAR) {
    throw new RangeError(`fiscal year out of range (1…${LAST_FISCAL_YEAR}): ${fiscalYear}`);
  }
}

/** Days since 1970-01-01 of a valid date (UTC arithmetic, so no time zone or DST is involved). */
function dayNumber(date: IsoDate): number {
  const { year, month, day } = requireDate(date);
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // setUTCFullYear: years 0–99 are not shifted to 19xx
  return Math.round(utc.getTime() / 86_400_000);
}

/** "YYYY-MM-DD" with real month and day: "2024-02-29" → true, "2024-02-30" → false, "2024-2-3" → false. */
export function isValidIsoDate(text: string): boolean {
  return splitIso(text) !== undefined;
}

/** The fiscal year (年度) a date falls in, named by the calendar year it starts in: 2025-03-31 → 2024. */
export function fiscalYearOf(date: IsoDate): number {
  const { year, month } = requireDate(date);
  return month >= 4 ? year : year - 1;
}

/** 1 April of the year … 31 March of the next. */
export function fiscalYearRange(fiscalYear: number): { start: IsoDate; end: IsoDate } {
  requireFiscalYear(fiscalYear);
  return { start: toIso(fiscalYear, 4, 1), end: toIso(fiscalYear + 1, 3, 31) };
}

/** The fiscal quarter: Q1 = Apr–Jun, Q2 = Jul–Sep, Q3 = Oct–Dec, Q4 = Jan–Mar. */
export function quarterOf(date: IsoDate): Quarter {
  const { month } = requireDate(date);
  // April → 0 … March → 11, three months to a quarter.
  return (Math.floor(((month + 8) % 12) / 3) + 1) as Quarter;
}

function requireQuarter(quarter: Quarter): void {
  if (quarter !== 1 && quarter !== 2 && quarter !== 3 && quarter !== 4) {
    throw new RangeError(`quarter must be 1–4: ${String(quarter)}`);
  }
}

/** First day of a fiscal quarter: (2024, 1) → 2024-04-01; (2024, 4) → 2025-01-01. */
export function quarterStart(fiscalYear: number, quarter: Quarter): IsoDate {
  requireFiscalYear(fiscalYear);
  requireQuarter(quarter);
  const month = quarter * 3 + 1; // 4, 7, 10, 13
  return month > 12 ? toIso(fiscalYear + 1, month - 12, 1) : toIso(fiscalYear, month, 1);
}

/** Last day of a fiscal quarter: (2024, 1) → 2024-06-30; (2024, 4) → 2025-03-31. */
export function quarterEnd(fiscalYear: number, quarter: Quarter): IsoDate {
  requireFiscalYear(fiscalYear);
  requireQuarter(quarter);
  const month = quarter * 3 + 3; // 6, 9, 12, 15
  const year = month > 12 ? fiscalYear + 1 : fiscalYear;
  const m = month > 12 ? month - 12 : month;
  return toIso(year, m, daysInMonth(year, m));
}

// ---------------------------------------------------------------------------------------------
// 和暦

function eraStartYear(era: Era): number {
  return Number(era.start.slice(0, 4));
}

function eraOn(date: IsoDate): Era | undefined {
  return ERAS.find((era) => era.start <= date && (era.end === undefined || date <= era.end));
}

/** 1 → "元", otherwise the number: the way both documents and people write an era's first year. */
function eraYearText(eraYear: number): string {
  return eraYear === 1 ? '元' : String(eraYear);
}

function daysOverlapping(era: Era, start: IsoDate, end: IsoDate): number {
  const from = era.start > start ? era.start : start;
  const to = era.end !== undefined && era.end < end ? era.end : end;
  return from <= to ? dayNumber(to) - dayNumber(from) + 1 : 0;
}

/**
 * Every supported era a fiscal year can be named by: those in effect on one of its days whose
 * year number is at least 1 (平成 began on 1989-01-08, inside fiscal 1988, but "平成0年度" is no name).
 */
function erasNaming(fiscalYear: number): Era[] {
  const { start, end } = fiscalYearRange(fiscalYear);
  return ERAS.filter((era) => daysOverlapping(era, start, end) > 0 && fiscalYear >= eraStartYear(era));
}

/** The era a fiscal year is officially named by: the one covering most of its days. */
function mainEra(fiscalYear: number): Era {
  const { start, end } = fiscalYearRange(fiscalYear);
  const length = dayNumber(end) - dayNumber(start) + 1;
  const era = ERAS.find((candidate) => daysOverlapping(candidate, start, end) * 2 > length);
  if (!era || fiscalYear < FIRST_LABELLED_FISCAL_YEAR) {
    throw new RangeError(`no 和暦 label for fiscal year ${fiscalYear} (supported from ${FIRST_LABELLED_FISCAL_YEAR})`);
  }
  return era;
}

function label(era: Era, fiscalYear: number): string {
  return `${era.name}${eraYearText(fiscalYear - eraStartYear(era) + 1)}年度`;
}

/**
 * 和暦 label of a fiscal year: 2024 → "令和6年度"; 2019 → "令和元年度" (the year Reiwa began on
 * 1 May 2019; documents of April 2019 call it 平成31年度 — see alternativeFiscalYearLabels);
 * 2018 → "平成30年度"; 1989 → "平成元年度". The era is the one covering most of the fiscal year.
 * Throws a RangeError before 1927 or after 9998.
 */
export function fiscalYearLabel(fiscalYear: number): string {
  let text = fiscalYearLabels.get(fiscalYear);
  if (text === undefined) {
    text = label(mainEra(fiscalYear), fiscalYear);
    if (Number.isInteger(fiscalYear)) fiscalYearLabels.set(fiscalYear, text);
  }
  return text;
}

/**
 * Labels made so far: every sheet view carries one, so every command would otherwise work out the
 * era over the fiscal year's days again. Whole years only, and a year without a label throws before
 * it is kept: at most the few thousand labelled years, whatever callers send.
 */
const fiscalYearLabels = new Map<number, string>();

/** Other names a fiscal year was published under: 2019 → ["平成31年度"]; others → []. */
export function alternativeFiscalYearLabels(fiscalYear: number): string[] {
  const main = mainEra(fiscalYear);
  return erasNaming(fiscalYear)
    .filter((era) => era !== main)
    .map((era) => label(era, fiscalYear));
}

/** Full width to half width (Ｒ６ → R6, ．→ .), ㋿ → 令和, and no surrounding blanks. */
function normalise(text: string): string {
  return text.normalize('NFKC').trim();
}

const ERA_TOKEN = '(昭和|平成|令和|[SHRshr])';
const ERA_YEAR = '(元|\\d{1,4})';

function findEra(token: string): Era | undefined {
  const upper = token.toUpperCase();
  return ERAS.find((era) => era.name === token || era.letter === upper);
}

function parseEraYear(text: string): number | undefined {
  const eraYear = text === '元' ? 1 : Number(text);
  return Number.isInteger(eraYear) && eraYear >= 1 ? eraYear : undefined;
}

const ERA_FISCAL_YEAR = new RegExp(`^${ERA_TOKEN}\\s*${ERA_YEAR}\\s*(?:年度)?$`);
const WESTERN_FISCAL_YEAR = /^(\d{4})\s*年度$/;

/**
 * Parses a fiscal-year label or code back: "令和6年度" → 2024, "令和元年度" → 2019,
 * "平成31年度" → 2019, "R6" → 2024, "H29" → 2017, "R1"/"R元" → 2019, "Ｒ６" → 2024,
 * "2024年度" → 2024. Accepts exactly the names fiscalYearLabel and alternativeFiscalYearLabels
 * give (in kanji or letter form, with or without 年度): "平成32年度" and "令和0年度" are
 * undefined, as is anything unrecognised.
 */
export function parseFiscalYear(text: string): number | undefined {
  const normalised = normalise(text);
  const western = WESTERN_FISCAL_YEAR.exec(normalised);
  if (western) {
    const year = Number(western[1]);
    return year >= 1 && year <= LAST_FISCAL_YEAR ? year : undefined;
  }
  const match = ERA_FISCAL_YEAR.exec(normalised);
  if (!match) return undefined;
  const era = findEra(match[1] ?? '');
  const eraYear = parseEraYear(match[2] ?? '');
  if (!era || eraYear === undefined) return undefined;
  const fiscalYear = eraStartYear(era) + eraYear - 1;
  if (fiscalYear < FIRST_LABELLED_FISCAL_YEAR || fiscalYear > LAST_FISCAL_YEAR) return undefined;
  return erasNaming(fiscalYear).includes(era) ? fiscalYear : undefined;
}

const JAPANESE_DATE_PATTERNS = [
  // 令和6年4月1日, R6年4月1日
  new RegExp(`^${ERA_TOKEN}\\s*${ERA_YEAR}\\s*年\\s*(\\d{1,2})\\s*月\\s*(\\d{1,2})\\s*日$`),
  // R6.4.1, R6/4/1, 令和6.4.1 (one separator throughout)
  new RegExp(`^${ERA_TOKEN}\\s*${ERA_YEAR}([./])(\\d{1,2})\\3(\\d{1,2})$`),
];

/**
 * 和暦 dates as written on the sheets: "R6.4.1" → "2024-04-01", "H31.4.1" → "2019-04-01",
 * "R1.5.1" → "2019-05-01", "令和6年4月1日" → "2024-04-01"; also accepts ISO. Full-width input is
 * fine. Undefined when invalid ("R6.2.30") or outside its era ("H31.5.1", "R1.4.30").
 */
export function parseJapaneseDate(text: string): IsoDate | undefined {
  const normalised = normalise(text);
  if (isValidIsoDate(normalised)) return normalised;
  for (const [index, pattern] of JAPANESE_DATE_PATTERNS.entries()) {
    const match = pattern.exec(normalised);
    if (!match) continue;
    const era = findEra(match[1] ?? '');
    const eraYear = parseEraYear(match[2] ?? '');
    const [monthText, dayText] = index === 0 ? [match[3], match[4]] : [match[4], match[5]];
    if (!era || eraYear === undefined) return undefined;
    const year = eraStartYear(era) + eraYear - 1;
    const month = Number(monthText);
    const day = Number(dayText);
    if (!isValidYmd(year, month, day)) return undefined;
    const date = toIso(year, month, day);
    return eraOn(date) === era ? date : undefined;
  }
  return undefined;
}

/**
 * A date in 和暦 for people: "2025-05-07" → "令和7年5月7日"; "2019-05-01" → "令和元年5月1日";
 * "2019-04-30" → "平成31年4月30日". Throws a RangeError before 昭和 (1926-12-25).
 */
export function formatJapaneseDate(date: IsoDate): string {
  const { year, month, day } = requireDate(date);
  const era = eraOn(date);
  if (!era) throw new RangeError(`no supported era on ${date} (supported from ${ERAS[0]?.start})`);
  return `${era.name}${eraYearText(year - eraStartYear(era) + 1)}年${month}月${day}日`;
}

/** The civil date in Japan (Asia/Tokyo, UTC+9 without daylight saving) at an instant. */
export function tokyoDateOf(instant: Date): IsoDate {
  return new Date(instant.getTime() + 9 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/** The date `days` later (earlier when negative): "2025-04-30" + 1 → "2025-05-01". */
export function addDays(date: IsoDate, days: number): IsoDate {
  const utc = new Date((dayNumber(date) + days) * 86_400_000);
  return toIso(utc.getUTCFullYear(), utc.getUTCMonth() + 1, utc.getUTCDate());
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: IsoDate): number {
  return (((dayNumber(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}
