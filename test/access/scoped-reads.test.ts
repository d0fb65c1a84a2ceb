import { startApi, TestApi } from '../support/api';
import { callAs, issueToken, ok } from '../support/access';
import { summarise } from '../support/summaries';

let api: TestApi;
const as: Record<string, ReturnType<typeof callAs>> = {};

// 西区 spelled both ways (listed under its one name, 西区), and a 地域課 in 東区 too: names alone must
// not leak across 区.
const UNITS = [
  ['西区', '地域課'],
  ['西区', '保護課'],
  ['西区役所', '市民課'],
  ['東区', '地域課'],
] as const;

beforeAll(async () => {
  api = await startApi();
  for (const [department, unit] of UNITS) {
    const { sheetId } = await ok(api.call('POST', '/api/v1/sheets', { fiscalYear: 2024, department, unit }));
    const { goalId } = await ok(api.call('POST', `/api/v1/sheets/${sheetId}/goals`, { text: `${unit}の目標` }));
    await ok(api.call('POST', `/api/v1/sheets/${sheetId}/goals/${goalId}/indicators`, { name: `${unit}の指標`, target: '10件' }));
  }
  for (const department of ['西区', '東区'])
    await ok(api.call('POST', '/api/v1/ward-plans', { department, fiscalYear: 2024, priorityGoals: [] }));
  await summarise(api);
  const people = {
    chiiki: [{ role: 'viewer', department: '西区', unit: '地域課' }],
    coordinator: [{ role: 'coordinator', department: '西区' }],
    both: [
      { role: 'editor', department: '西区', unit: '地域課' },
      { role: 'viewer', department: '東区' },
    ],
    city: [{ role: 'viewer' }],
  } as const;
  for (const [who, grants] of Object.entries(people)) as[who] = callAs(api, (await issueToken(api, [...grants])).token);
});
afterAll(() => api.close());

const units = (items: Array<{ department: string; unit: string }>) => items.map((i) => `${i.department} ${i.unit}`).sort();

describe('reads are filtered to the caller’s scope', () => {
  it.each([
    ['a viewer of 西区 地域課', 'chiiki', ['西区 地域課']],
    ['the coordinator of 西区 (either spelling)', 'coordinator', ['西区 保護課', '西区 地域課', '西区 市民課']],
    ['an editor of 西区 地域課 who also views 東区', 'both', ['西区 地域課', '東区 地域課']],
    ['a city-wide viewer', 'city', ['東区 地域課', '西区 保護課', '西区 地域課', '西区 市民課']],
  ])('%s lists those sheets and indicators only', async (_case, who, names) => {
    const expected = [...names].sort();
    expect(units((await as[who]!('GET', '/api/v1/sheets')).body.items)).toEqual(expected);
    expect(units((await as[who]!('GET', '/api/v1/indicators')).body.items)).toEqual(expected);
    const year = (await as[who]!('GET', '/api/v1/summaries/fiscal-years/2024')).body;
    expect(units(year.units)).toEqual(expected);
  });

  it('a filter for another unit finds nothing rather than its rows', async () => {
    expect((await as.chiiki!('GET', `/api/v1/sheets?unit=${encodeURIComponent('保護課')}`)).body.items).toEqual([]);
    expect((await as.chiiki!('GET', `/api/v1/sheets?department=${encodeURIComponent('東区')}`)).body.items).toEqual([]);
  });

  it('ward plans and ward summaries are the department’s: a unit grant does not show them', async () => {
    const plans = async (who: string) =>
      (await as[who]!('GET', '/api/v1/ward-plans')).body.items.map((p: { department: string }) => p.department).sort();
    expect(await plans('chiiki')).toEqual([]);
    expect(await plans('coordinator')).toEqual(['西区']);
    expect(await plans('both')).toEqual(['東区']);
    expect(await plans('city')).toEqual(['東区', '西区']);
    expect((await as.coordinator!('GET', `/api/v1/summaries/wards/${encodeURIComponent('西区')}/2024`)).status).toBe(200);
    expect(await as.coordinator!('GET', `/api/v1/summaries/wards/${encodeURIComponent('東区')}/2024`)).toMatchObject({
      status: 403,
      body: { permission: 'read' },
    });
    expect((await as.chiiki!('GET', `/api/v1/summaries/wards/${encodeURIComponent('西区')}/2024`)).status).toBe(403);
  });

  it('a sheet of another unit cannot be read by id, nor its history', async () => {
    const sheets = (await api.call('GET', '/api/v1/sheets')).body.items as Array<{ sheetId: string; department: string; unit: string }>;
    const hogo = sheets.find((s) => s.unit === '保護課')!.sheetId;
    for (const path of ['', '/audit', '/events', '?version=1']) {
      expect(await as.chiiki!('GET', `/api/v1/sheets/${hogo}${path}`)).toMatchObject({ status: 403, body: { permission: 'read' } });
    }
  });
});
