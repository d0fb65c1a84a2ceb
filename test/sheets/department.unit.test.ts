import { departmentName } from '@shinchoku/municipality';
import { sheetUpcasters } from '@shinchoku/sheets/domain/upcasters';
import { latestVersion, upcast } from '@shinchoku/event-store';
import { loadConfig } from '@shinchoku/system';
import { policyFor } from '@shinchoku/reminders/domain/policy';
import { problemsOf } from '../support/config';

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
    // A city whose name holds 市 itself: the city is everything up to the last 市 before the ward.
    ['四日市市東区役所', '東区'],
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
    for (const given of ['東区役所', '新潟市　西区', 'ＩＣＴ推進部', '市民生活部', 'ﾃﾞｼﾞﾀﾙ 推進部', '東市西市南区役所', 'A市B市区']) {
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

describe('settings name departments the same way', () => {
  it('REMINDER_POLICY applies a department override to its sheets however the key spells it', () => {
    const { policy } = loadConfig({
      REMINDER_POLICY: '{"departments":{"東区役所":{"sendTime":"08:30"},"ＩＣＴ推進部":{"sendTime":"10:00"}}}',
    }).reminders;
    expect(policy.departments).toEqual({ 東区: { sendTime: '08:30' }, ICT推進部: { sendTime: '10:00' } });
    expect(policyFor(policy, { sheetId: 's-1', department: '東区' }).sendTime).toBe('08:30');
  });

  it('REMINDER_POLICY refuses two keys for one department', () => {
    expect(problemsOf({ REMINDER_POLICY: '{"departments":{"東区":{"sendTime":"08:30"},"東区役所":{"sendTime":"10:00"}}}' })).toEqual([
      expect.stringContaining('departments.東区役所 names the same department as another key (東区)'),
    ]);
  });

  it('OIDC_GRANTS gives grants in the department’s one name', () => {
    const { oidc } = loadConfig({
      OIDC_ISSUER: 'https://id.example.jp',
      OIDC_AUDIENCE: 'shinchoku',
      OIDC_JWKS_URL: 'https://id.example.jp/jwks',
      OIDC_GRANTS: JSON.stringify({ 'higashi-coordinators': ['coordinator:新潟市東区役所'], 'higashi-soumu': ['editor:東 区/総務課'] }),
    });
    expect(oidc!.grants).toEqual({
      'higashi-coordinators': [{ role: 'coordinator', department: '東区' }],
      'higashi-soumu': [{ role: 'editor', department: '東区', unit: '総務課' }],
    });
  });
});
