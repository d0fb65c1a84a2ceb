import { departmentName } from '@shinchoku/sheets/domain/department';
import { sheetUpcasters } from '@shinchoku/sheets/domain/upcasters';
import { latestVersion, upcast } from '@shinchoku/event-store';

describe('departmentName: one name for one department', () => {
  it.each([
    // A ward, or its office: the ward.
    ['東区', '東区'],
    ['東区役所', '東区'],
    ['西区役所', '西区'],
    ['中央区役所', '中央区'],
    ['西蒲区役所', '西蒲区'],
    // With the city before it.
    ['新潟市東区', '東区'],
    ['新潟市東区役所', '東区'],
    ['新潟市　中央区役所', '中央区'],
    // Spaces around and inside, full-width (U+3000) included.
    ['　東区　', '東区'],
    [' 東区役所\t', '東区'],
    ['東 区', '東区'],
    ['東　区　役所', '東区'],
    // Full-width and half-width forms, as NFKC reads them.
    ['ＩＣＴ推進部', 'ICT推進部'],
    ['ﾃﾞｼﾞﾀﾙ推進部', 'デジタル推進部'],
    ['Digital　Office', 'Digital Office'],
    ['Ｄｉｇｉｔａｌ  Ｏｆｆｉｃｅ', 'Digital Office'],
    // Departments that are not wards stay as they are.
    ['市民生活部', '市民生活部'],
    ['総務部', '総務部'],
    ['都市政策部', '都市政策部'],
    ['新潟市保健所', '新潟市保健所'],
    ['市役所', '市役所'],
    ['区役所', '区役所'],
    ['区', '区'],
    ['新潟市', '新潟市'],
  ])('%s → %s', (given, name) => {
    expect(departmentName(given)).toBe(name);
  });

  it('is its own fixed point: a name is already normal', () => {
    for (const given of ['東区役所', '新潟市　西区', 'ＩＣＴ推進部', '市民生活部', 'ﾃﾞｼﾞﾀﾙ 推進部']) {
      expect(departmentName(departmentName(given))).toBe(departmentName(given));
    }
  });
});

describe('events recorded before departments had one name', () => {
  it('SheetCreated and WardPlanCreated of version 1 read as version 2 with the name; other fields unchanged', () => {
    for (const type of ['SheetCreated', 'WardPlanCreated']) {
      const data = { sheetId: 's', department: '東区役所', unit: '総務課', on: '2020-04-01' };
      expect(upcast(sheetUpcasters, type, 1, data)).toEqual({ schemaVersion: 2, data: { ...data, department: '東区' } });
      expect(data.department).toBe('東区役所');
      expect(latestVersion(sheetUpcasters, type)).toBe(2);
    }
    expect(latestVersion(sheetUpcasters, 'GoalAdded')).toBe(1);
  });
});
