import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  alternativeFiscalYearLabels,
  fiscalYearLabel,
  fiscalYearOf,
  fiscalYearRange,
  formatJapaneseDate,
  isValidIsoDate,
  parseFiscalYear,
  parseJapaneseDate,
  quarterEnd,
  quarterOf,
  quarterStart,
  type IsoDate,
  type Quarter,
} from '@shinchoku/municipality';

const seeds = join(__dirname, '..', 'fixtures', 'seeds');
const westWard = readFileSync(join(seeds, '000_49b4172ac8662452.txt'), 'utf8');
const eastWard = readFileSync(join(seeds, '004_228aefcc8638a33f.txt'), 'utf8');

/** Every day from `from` to `to`, built in UTC so the machine's time zone plays no part. */
function* days(from: IsoDate, to: IsoDate): Generator<IsoDate> {
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    yield new Date(t).toISOString().slice(0, 10);
  }
}

describe('isValidIsoDate', () => {
  it.each([
    ['2024-02-29', true], // leap day
    ['2025-02-29', false], // not a leap year
    ['2000-02-29', true], // divisible by 400
    ['1900-02-29', false], // divisible by 100
    ['2024-02-30', false],
    ['2024-04-31', false],
    ['2024-03-31', true],
    ['2024-04-01', true],
    ['2024-12-31', true],
    ['2024-13-01', false],
    ['2024-00-10', false],
    ['2024-01-00', false],
    ['2024-2-3', false],
    ['24-02-03', false],
    ['2024/02/03', false],
    ['2024-02-03T00:00:00Z', false],
    [' 2024-02-03', false],
    ['R6.4.1', false],
    ['', false],
  ])('%j → %s', (text, valid) => {
    expect(isValidIsoDate(text)).toBe(valid);
  });
});

describe('fiscalYearOf', () => {
  it.each([
    ['2024-04-01', 2024], // first day
    ['2025-03-31', 2024], // last day
    ['2024-03-31', 2023],
    ['2025-04-01', 2025],
    ['2024-12-31', 2024],
    ['2025-01-01', 2024],
    ['2024-02-29', 2023],
    ['2019-04-30', 2019], // 平成31年度 = 令和元年度
    ['2019-05-01', 2019],
    ['1989-01-07', 1988],
    ['1989-01-08', 1988],
  ])('%s → %i', (date, fiscalYear) => {
    expect(fiscalYearOf(date)).toBe(fiscalYear);
  });

  it.each(['2025-02-29', '2024-4-1', 'R6.4.1'])('rejects %j', (date) => {
    expect(() => fiscalYearOf(date)).toThrow(RangeError);
  });
});

describe('fiscalYearRange', () => {
  it.each([
    [2024, '2024-04-01', '2025-03-31'],
    [2023, '2023-04-01', '2024-03-31'],
    [2019, '2019-04-01', '2020-03-31'],
    [1999, '1999-04-01', '2000-03-31'],
  ])('%i → %s … %s', (fiscalYear, start, end) => {
    expect(fiscalYearRange(fiscalYear)).toEqual({ start, end });
  });

  it('agrees with fiscalYearOf on both edges and just outside them', () => {
    for (const year of [1989, 2019, 2023, 2024]) {
      const { start, end } = fiscalYearRange(year);
      expect([fiscalYearOf(start), fiscalYearOf(end)]).toEqual([year, year]);
    }
  });

  it.each([2024.5, 0, 9999, Number.NaN])('rejects %p', (fiscalYear) => {
    expect(() => fiscalYearRange(fiscalYear)).toThrow(RangeError);
  });
});

describe('quarterOf', () => {
  it.each<[IsoDate, Quarter]>([
    ['2024-04-01', 1],
    ['2024-06-30', 1],
    ['2024-07-01', 2],
    ['2024-09-30', 2],
    ['2024-10-01', 3],
    ['2024-12-31', 3],
    ['2025-01-01', 4],
    ['2025-02-28', 4],
    ['2024-02-29', 4],
    ['2025-03-31', 4],
    ['2024-05-15', 1],
    ['2024-08-15', 2],
    ['2024-11-15', 3],
  ])('%s → Q%i', (date, quarter) => {
    expect(quarterOf(date)).toBe(quarter);
  });

  it('rejects an invalid date', () => {
    expect(() => quarterOf('2025-02-29')).toThrow(RangeError);
  });
});

describe('quarterStart and quarterEnd', () => {
  it.each<[number, Quarter, IsoDate, IsoDate]>([
    [2024, 1, '2024-04-01', '2024-06-30'],
    [2024, 2, '2024-07-01', '2024-09-30'],
    [2024, 3, '2024-10-01', '2024-12-31'],
    [2024, 4, '2025-01-01', '2025-03-31'],
    [2023, 4, '2024-01-01', '2024-03-31'],
    [2019, 1, '2019-04-01', '2019-06-30'],
  ])('(%i, Q%i) → %s … %s', (fiscalYear, quarter, start, end) => {
    expect(quarterStart(fiscalYear, quarter)).toBe(start);
    expect(quarterEnd(fiscalYear, quarter)).toBe(end);
  });

  it('each quarter covers exactly its days, in order, with no gaps', () => {
    const quarters = ([1, 2, 3, 4] as const).map((q) => [quarterStart(2023, q), quarterEnd(2023, q)]);
    const { start, end } = fiscalYearRange(2023);
    expect(quarters[0]?.[0]).toBe(start);
    expect(quarters[3]?.[1]).toBe(end);
    for (const date of days(start, end)) {
      const q = quarterOf(date);
      const [from, to] = quarters[q - 1] ?? [];
      expect(from! <= date && date <= to!).toBe(true);
      expect(fiscalYearOf(date)).toBe(2023);
    }
  });

  it.each([0, 5, 1.5])('rejects quarter %p', (quarter) => {
    expect(() => quarterEnd(2024, quarter as Quarter)).toThrow(RangeError);
    expect(() => quarterStart(2024, quarter as Quarter)).toThrow(RangeError);
  });
});

describe('fiscalYearLabel', () => {
  it.each([
    [2024, '令和6年度'],
    [2020, '令和2年度'],
    [2019, '令和元年度'], // Reiwa from 1 May: most of the fiscal year
    [2018, '平成30年度'],
    [2017, '平成29年度'],
    [1989, '平成元年度'], // Heisei from 8 January, before the fiscal year began
    [1988, '昭和63年度'], // ended on 1989-03-31, in 平成 — but mostly 昭和
    [1927, '昭和2年度'],
  ])('%i → %s', (fiscalYear, label) => {
    expect(fiscalYearLabel(fiscalYear)).toBe(label);
  });

  it.each([1926, 1900, 0, 2024.5])('has no label for %p (1926 was mostly 大正)', (fiscalYear) => {
    expect(() => fiscalYearLabel(fiscalYear)).toThrow(RangeError);
  });
});

describe('alternativeFiscalYearLabels', () => {
  it.each([
    [2019, ['平成31年度']],
    [2018, []],
    [2020, []],
    [2024, []],
    [1989, []], // 昭和 had ended before April 1989
    [1988, []], // 平成 began inside it, but "平成0年度" is no name
  ])('%i → %j', (fiscalYear, labels) => {
    expect(alternativeFiscalYearLabels(fiscalYear)).toEqual(labels);
  });
});

describe('parseFiscalYear', () => {
  it.each([
    ['令和6年度', 2024],
    ['令和2年度', 2020],
    ['令和元年度', 2019],
    ['令和1年度', 2019],
    ['平成31年度', 2019],
    ['平成30年度', 2018],
    ['平成元年度', 1989],
    ['昭和63年度', 1988],
    ['R6', 2024],
    ['R5', 2023], // "[参考] R5末 6,635人"
    ['R2', 2020],
    ['R1', 2019],
    ['R元', 2019],
    ['H31', 2019],
    ['H30', 2018],
    ['H29', 2017],
    ['H1', 1989],
    ['S63', 1988],
    ['R06', 2024],
    ['R6年度', 2024],
    ['r6', 2024],
    ['h29', 2017],
    ['Ｒ６', 2024], // full width
    ['ｒ６', 2024],
    ['Ｈ２９', 2017],
    ['令和６年度', 2024],
    ['㋿6年度', 2024], // the one-character era sign
    ['  令和6年度 ', 2024],
    ['2024年度', 2024],
  ])('%j → %i', (text, fiscalYear) => {
    expect(parseFiscalYear(text)).toBe(fiscalYear);
  });

  it.each([
    '',
    '令和',
    '令和0年度',
    'R0',
    '平成32年度', // 平成 had ended: fiscal 2020 was never 平成
    'H32',
    '昭和64年度', // 昭和64年 was 1–7 January 1989, inside fiscal 1988 (昭和63年度)
    'S64',
    'S1', // fiscal 1926 is 大正15年度, which is not supported
    '大正15年度',
    'X6',
    'R6.4.1',
    'R6年',
    'R6目標',
    'R5末',
    '2024',
    'R-1',
    'R6 R7',
  ])('%j → undefined', (text) => {
    expect(parseFiscalYear(text)).toBeUndefined();
  });

  it('reads back every label and alternative it publishes', () => {
    for (let year = 1927; year <= 2100; year += 1) {
      for (const label of [fiscalYearLabel(year), ...alternativeFiscalYearLabels(year)]) {
        expect([label, parseFiscalYear(label)]).toEqual([label, year]);
      }
    }
  });
});

describe('parseJapaneseDate', () => {
  it.each([
    ['R6.4.1', '2024-04-01'], // 作成日 of the 西区 sheets
    ['R2.4.1', '2020-04-01'], // 作成日 of the 東区 sheets
    ['H31.4.1', '2019-04-01'],
    ['H31.4.30', '2019-04-30'],
    ['R1.5.1', '2019-05-01'],
    ['R元.5.1', '2019-05-01'],
    ['H1.1.8', '1989-01-08'],
    ['H元.1.8', '1989-01-08'],
    ['S64.1.7', '1989-01-07'],
    ['S1.12.25', '1926-12-25'],
    ['R6.2.29', '2024-02-29'],
    ['R6.12.31', '2024-12-31'],
    ['R06.04.01', '2024-04-01'],
    ['R6/4/1', '2024-04-01'],
    ['r6.4.1', '2024-04-01'],
    ['Ｒ６．４．１', '2024-04-01'], // full width
    ['令和6年4月1日', '2024-04-01'],
    ['令和元年5月1日', '2019-05-01'],
    ['令和1年5月1日', '2019-05-01'],
    ['平成31年4月30日', '2019-04-30'],
    ['平成元年1月8日', '1989-01-08'],
    ['昭和64年1月7日', '1989-01-07'],
    ['令和７年５月７日', '2025-05-07'],
    ['令和 6 年 4 月 1 日', '2024-04-01'],
    ['R6年4月1日', '2024-04-01'],
    ['2024-04-01', '2024-04-01'], // ISO
    ['２０２４－０４－０１', '2024-04-01'],
    [' R6.4.1 ', '2024-04-01'],
  ])('%j → %s', (text, date) => {
    expect(parseJapaneseDate(text)).toBe(date);
  });

  it.each([
    'R6.2.30', // no such day
    'R7.2.29', // 2025 is not a leap year
    'R6.13.1',
    'R6.4.0',
    'H31.5.1', // 平成 ended on 30 April 2019
    'R1.4.30', // 令和 began on 1 May 2019
    '令和元年4月1日',
    'H1.1.7', // 平成 began on 8 January 1989
    'S64.1.8', // 昭和 ended on 7 January 1989
    'H32.4.1',
    'R0.5.1',
    'R6.4', // no day
    'R6.4/1', // mixed separators
    'R6..4.1',
    'X6.4.1',
    '令和6年4月1', // no 日
    '2024-02-30',
    '2024-4-1',
    'R6',
    '',
  ])('%j → undefined', (text) => {
    expect(parseJapaneseDate(text)).toBeUndefined();
  });
});

describe('formatJapaneseDate', () => {
  it.each([
    ['2025-05-07', '令和7年5月7日'],
    ['2024-04-01', '令和6年4月1日'],
    ['2024-02-29', '令和6年2月29日'],
    ['2019-05-01', '令和元年5月1日'],
    ['2020-01-01', '令和2年1月1日'],
    ['2019-04-30', '平成31年4月30日'],
    ['2019-04-01', '平成31年4月1日'],
    ['1989-01-08', '平成元年1月8日'],
    ['1989-12-31', '平成元年12月31日'],
    ['1990-01-01', '平成2年1月1日'],
    ['1989-01-07', '昭和64年1月7日'],
    ['1926-12-25', '昭和元年12月25日'],
  ])('%s → %s', (date, text) => {
    expect(formatJapaneseDate(date)).toBe(text);
  });

  it.each(['1926-12-24', '2025-02-29', '2025-5-7'])('rejects %j', (date) => {
    expect(() => formatJapaneseDate(date)).toThrow(RangeError);
  });

  it('reads back every day around both era changes and a year of 令和', () => {
    const ranges: [IsoDate, IsoDate][] = [
      ['1988-12-01', '1989-02-28'],
      ['2019-03-01', '2019-06-30'],
      ['2024-01-01', '2024-12-31'],
    ];
    for (const [from, to] of ranges) {
      for (const date of days(from, to)) {
        expect([date, parseJapaneseDate(formatJapaneseDate(date))]).toEqual([date, date]);
      }
    }
  });
});

describe('the era table agrees with Intl (ICU) on this Node', () => {
  const intl = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
    era: 'long',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    timeZone: 'UTC',
  });
  /**
   * Built from the parts by type: ICU writes an era's first year "元" in some versions and patterns
   * and "1" in others (Node 20.20 / ICU 78: "令和元年5月1日" with month 'long', "令和1/5/1" with
   * month 'numeric').
   */
  const viaIntl = (date: IsoDate) => {
    const parts = Object.fromEntries(intl.formatToParts(new Date(`${date}T00:00:00Z`)).map((part) => [part.type, part.value]));
    const year = parts.year === '1' ? '元' : parts.year;
    return `${parts.era}${year}年${parts.month}月${parts.day}日`;
  };

  it.each([
    '1926-12-25',
    '1970-01-01',
    '1988-04-01',
    '1989-01-07',
    '1989-01-08',
    '1989-04-01',
    '2000-02-29',
    '2019-04-01',
    '2019-04-30',
    '2019-05-01',
    '2020-01-01',
    '2024-04-01',
    '2025-03-31',
  ])('%s', (date) => {
    expect(formatJapaneseDate(date)).toBe(viaIntl(date));
  });

  it('on every day from 1988 to 2020', () => {
    for (const date of days('1988-01-01', '2020-12-31')) {
      expect([date, formatJapaneseDate(date)]).toEqual([date, viaIntl(date)]);
    }
  });
});

describe('the seed documents', () => {
  it.each([
    ['令和6年度', 2024, westWard],
    ['令和2年度', 2020, eastWard],
  ])('年度 %s → %i', (label, fiscalYear, document) => {
    const written = /年度\t(\S+)/.exec(document)?.[1];
    expect(written).toBe(label);
    expect(parseFiscalYear(written!)).toBe(fiscalYear);
    expect(fiscalYearLabel(fiscalYear)).toBe(label);
  });

  it.each([
    ['R6.4.1', '2024-04-01', westWard],
    ['R2.4.1', '2020-04-01', eastWard],
  ])('作成日 %s → %s, inside the sheet’s 年度', (text, date, document) => {
    const written = /作成日\t(\S+)/.exec(document)?.[1];
    expect(written).toBe(text);
    expect(parseJapaneseDate(written!)).toBe(date);
    expect(fiscalYearOf(date)).toBe(parseFiscalYear(/年度\t(\S+)/.exec(document)?.[1] ?? ''));
  });

  it('reads the 東区 column headings H29実績 / H30実績 / R1実績 / R2目標 / R2結果', () => {
    const headings = [...eastWard.matchAll(/\b([HR]\d+)(実績|目標|結果)/g)].map(([, code, kind]) => [
      `${code}${kind}`,
      parseFiscalYear(code!),
    ]);
    expect(new Map(headings as [string, number][])).toEqual(
      new Map([
        ['H29実績', 2017],
        ['H30実績', 2018],
        ['R1実績', 2019],
        ['R2目標', 2020],
        ['R2結果', 2020],
      ]),
    );
  });

  it('reads the 西区 column headings R6目標 / R6結果 and "[参考] R5末" (end of fiscal 2023)', () => {
    expect(westWard).toContain('R6目標\tR6結果');
    expect(parseFiscalYear('R6')).toBe(2024);
    const r5 = /\b(R\d+)末/.exec(westWard)?.[1];
    expect(r5).toBe('R5');
    expect(fiscalYearRange(parseFiscalYear(r5!)!).end).toBe('2024-03-31');
  });
});
