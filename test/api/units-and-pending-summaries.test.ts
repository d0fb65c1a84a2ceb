import { startApi, type TestApi } from '../support/api';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
  // The indicator counts in 団体: its measurement unit, beside the sheet's org unit 地域課.
  const indicator = { name: '参加団体数', unit: '団体', target: '120団体' };
  await api.smallSheet('地域課', '地域活動の担い手を増やす', indicator);
});
afterAll(() => api.close());

describe('the org unit and the measurement unit', () => {
  it('have names of their own on every indicator across sheets, filtered by org unit', async () => {
    const { status, body } = await api.call('GET', `/api/v1/indicators?unit=${encodeURIComponent('地域課')}`);
    expect(status).toBe(200);
    expect(body.items).toHaveLength(1);
    // `unit` stays the org unit (as the filter and every other list mean it), no longer the 団体 of the target.
    expect(body.items[0]).toMatchObject({ orgUnit: '地域課', unit: '地域課', measurementUnit: '団体', name: '参加団体数' });
  });
});

describe('a ward summary before the processor has run', () => {
  it('answers the empty summary with updatedThrough for a ward and year that have sheets', async () => {
    const { status, body } = await api.call('GET', `/api/v1/summaries/wards/${encodeURIComponent('西区')}/2024`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ ward: '西区', fiscalYear: 2024, sheets: 0, goalCount: 0, priorityGoals: [], updatedThrough: null });
  });

  it('is still 404 SummaryNotFound for a ward or year without sheets or a plan', async () => {
    for (const path of [`${encodeURIComponent('西区')}/2023`, `${encodeURIComponent('北区')}/2024`]) {
      const { status, body } = await api.call('GET', `/api/v1/summaries/wards/${path}`);
      expect([status, body.code]).toEqual([404, 'SummaryNotFound']);
    }
  });
});
