import { parseMeasurement, type Measurement } from '@shinchoku/sheets/domain/measurement';

describe('parseMeasurement', () => {
  // toStrictEqual: measurements are stored in events as JSON, so "no value" must mean no key, not value: undefined.
  it.each<[number | string, Measurement]>([
    ['1,234', { text: '1,234', value: 1234 }],
    ['８校', { text: '８校', value: 8, unit: '校' }],
    ['１，２３４', { text: '１，２３４', value: 1234 }],
    ['52%', { text: '52%', value: 52, unit: '%' }],
    ['実施済', { text: '実施済' }],
    [1234, { text: '1234', value: 1234 }],
    // 西区 地域課 SNS発信件数 and 健康福祉課 累計登録者数 (R5末 6,635人)
    ['205', { text: '205', value: 205 }],
    ['6,635人', { text: '6,635人', value: 6635, unit: '人' }],
    ['7,010', { text: '7,010', value: 7010 }],
    ['88.47%', { text: '88.47%', value: 88.47, unit: '%' }],
    ['14.0日', { text: '14.0日', value: 14, unit: '日' }],
    // 東区 総務課 H29実績: the action after the count is not part of the unit.
    ['31自治会等で実施', { text: '31自治会等で実施', value: 31, unit: '自治会等' }],
    ['5回実施', { text: '5回実施', value: 5, unit: '回' }],
    // 東区 prior years: "-" for no actual, and breakdowns with several numbers stay text for a person.
    ['-', { text: '-' }],
    ['異動1回 メンタル2回 救命1回 接遇1回', { text: '異動1回 メンタル2回 救命1回 接遇1回' }],
    ['対象全世帯への訪問', { text: '対象全世帯への訪問' }],
    // The original text is kept as given; zero is a value, not an absence.
    [' 38,120 ', { text: ' 38,120 ', value: 38120 }],
    ['0', { text: '0', value: 0 }],
    [0, { text: '0', value: 0 }],
    [12.5, { text: '12.5', value: 12.5 }],
    ['-3', { text: '-3', value: -3 }],
    ['', { text: '' }],
    ['1,23', { text: '1,23' }],
    [Number.NaN, { text: 'NaN' }],
  ])('%j', (input, expected) => {
    expect(parseMeasurement(input)).toStrictEqual(expected);
  });
});
