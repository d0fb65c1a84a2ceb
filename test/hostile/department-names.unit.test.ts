import fc from 'fast-check';
import { departmentName } from '@shinchoku/municipality';

/** Text as people type department names: kanji, kana, Latin, digits, full-width forms and every kind of space. */
const piece = fc.constantFrom(
  '東',
  '西',
  '北',
  '中央',
  '江南',
  '秋葉',
  '南',
  '西蒲',
  '市',
  '区',
  '役所',
  '部',
  '課',
  'ﾃﾞｼﾞﾀﾙ',
  'ＩＣＴ',
  'A',
  'b',
  '1',
  '２',
  ' ',
  '　',
  '\t',
  '\u00a0',
);
const spelling = fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join(''));
const anything = fc.string({ unit: 'grapheme', maxLength: 30 });

describe('departmentName on any text', () => {
  it('is idempotent: a name is already its own name', () => {
    fc.assert(fc.property(fc.oneof(spelling, anything), (text) => departmentName(departmentName(text)) === departmentName(text)));
  });

  it('never starts or ends with a space and never holds two in a row', () => {
    fc.assert(fc.property(fc.oneof(spelling, anything), (text) => !/^\s|\s$|\s\s/u.test(departmentName(text))));
  });

  it('gives a ward and its office, with or without the city, one name', () => {
    const ward = fc
      .array(fc.constantFrom('東', '西', '中央', '江南', '秋葉', '西蒲'), { minLength: 1, maxLength: 3 })
      .map((p) => `${p.join('')}区`);
    fc.assert(
      fc.property(ward, (name) =>
        [`${name}役所`, `新潟市${name}`, `新潟市　${name}役所`, ` ${name} `].every((other) => departmentName(other) === name),
      ),
    );
  });
});
