import { startApi, TestApi } from '../support/api';

let api: TestApi;
const units = ['出張所A', '出張所B', '出張所C', '出張所D', '出張所E'];
const q1 = ['24', '19', '5', undefined, '30']; // of 100 a year: onTrack, atRisk, offTrack, noData, onTrack
const ids: Record<string, { sheetId: string; goalId: string; indicatorId: string }> = {};

beforeAll(async () => {
  api = await startApi();
  api.clock.set('2024-07-05T10:00:00+09:00');
  for (const [i, unit] of units.entries()) {
    ids[unit] = await api.smallSheet(unit, `${unit}の窓口改善`, { name: '改善実施件数', target: '100' });
    if (q1[i])
      await api.call('PUT', `/api/v1/sheets/${ids[unit].sheetId}/indicators/${ids[unit].indicatorId}/progress/1`, { value: q1[i] });
  }
  await api.call('PUT', `/api/v1/sheets/${ids['出張所E']!.sheetId}/goals/${ids['出張所E']!.goalId}/evaluation`, { rating: '○' });
});
afterAll(() => api.close());

const unitsOf = (items: Array<{ unit: string }>) => items.map((i) => i.unit);

describe('listing sheets and indicators', () => {
  it('pages through every sheet with a cursor, in order, without repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const reply = await api.call('GET', `/api/v1/sheets?fiscalYear=2024&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(reply.status).toBe(200);
      expect(reply.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...unitsOf(reply.body.items));
      cursor = reply.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(units);
  });

  it.each([
    ['onTrack', ['出張所A', '出張所E']],
    ['atRisk', ['出張所B']],
    ['offTrack', ['出張所C']],
    ['noData', ['出張所D']],
  ])('filters sheets by progress state %s', async (state, expected) => {
    const reply = await api.call('GET', `/api/v1/sheets?fiscalYear=2024&progressState=${state}`);
    expect(unitsOf(reply.body.items)).toEqual(expected);
    expect(reply.body.items.every((i: { progressState: string }) => i.progressState === state)).toBe(true);
  });

  it('filters by rating, including goals not yet evaluated, and by status', async () => {
    expect(unitsOf((await api.call('GET', '/api/v1/sheets?rating=○')).body.items)).toEqual(['出張所E']);
    expect(unitsOf((await api.call('GET', '/api/v1/sheets?rating=unevaluated')).body.items)).toEqual(units.slice(0, 4));
    expect(unitsOf((await api.call('GET', '/api/v1/sheets?status=draft')).body.items)).toEqual(['出張所D']);
    expect(unitsOf((await api.call('GET', '/api/v1/sheets?unit=出張所B&department=西区')).body.items)).toEqual(['出張所B']);
  });

  it('lists indicators across sheets with their progress state, filtered and paged', async () => {
    const atRisk = (await api.call('GET', '/api/v1/indicators?progressState=atRisk')).body;
    expect(atRisk.items).toEqual([
      expect.objectContaining({
        unit: '出張所B',
        name: '改善実施件数',
        goalRating: null,
        progressState: expect.objectContaining({
          latest: expect.objectContaining({ quarter: 1, state: 'atRisk', expectedToDate: 25, actualToDate: 19 }),
        }),
      }),
    ]);
    const rated = (await api.call('GET', '/api/v1/indicators?rating=○')).body.items;
    expect(unitsOf(rated)).toEqual(['出張所E']);
    const first = (await api.call('GET', '/api/v1/indicators?limit=3')).body;
    const rest = (await api.call('GET', `/api/v1/indicators?limit=3&cursor=${first.nextCursor}`)).body;
    expect(unitsOf([...first.items, ...rest.items])).toEqual(units);
    expect(rest.nextCursor).toBeNull();
  });

  it('refuses a cursor it did not give out, and a bad filter', async () => {
    expect(await api.call('GET', '/api/v1/sheets?cursor=bm9wZQ')).toMatchObject({
      status: 400,
      body: { errors: [{ path: 'query.cursor' }] },
    });
    expect(await api.call('GET', '/api/v1/indicators?progressState=late')).toMatchObject({
      status: 400,
      body: { errors: [{ path: 'query.progressState' }] },
    });
    expect(await api.call('GET', '/api/v1/sheets?limit=500')).toMatchObject({ status: 400, body: { errors: [{ path: 'query.limit' }] } });
  });

  it('shows progress in the sheet itself: per quarter, per indicator and rolled up per goal', async () => {
    const sheet = (await api.call('GET', `/api/v1/sheets/${ids['出張所C']!.sheetId}`)).body;
    expect(sheet.goals[0].progressState).toBe('offTrack');
    expect(sheet.goals[0].indicators[0].progressState).toEqual({
      latest: { quarter: 1, state: 'offTrack', achievementRate: 0.2, expectedToDate: 25, actualToDate: 5 },
      quarters: [{ quarter: 1, state: 'offTrack', achievementRate: 0.2, expectedToDate: 25, actualToDate: 5 }],
    });
  });
});
