import { Json, startApi, TestApi } from '../support/api';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
  api.clock.set('2024-07-05T10:00:00+09:00');
});
afterAll(() => api.close());

const indicatorIn = (sheet: Json, indicatorId: string) =>
  sheet.goals.flatMap((g: { indicators: unknown[] }) => g.indicators).find((i: { indicatorId: string }) => i.indicatorId === indicatorId);

describe('progressEntry over HTTP', () => {
  it('a count is entered to date: 40, 95, 150, 201 read as 201, and a result of 200 is recorded with a warning carrying both numbers', async () => {
    const { sheetId, indicatorId } = await api.smallSheet('地域課', '西区の魅力を発信します。', {
      name: 'SNSによる情報発信件数',
      target: '190',
    });
    const base = `/api/v1/sheets/${sheetId}/indicators/${indicatorId}`;
    for (const [quarter, value] of ['40', '95', '150', '201'].entries()) {
      expect((await api.call('PUT', `${base}/progress/${quarter + 1}`, { value })).status).toBe(200);
    }
    expect((await api.call('PUT', `${base}/result`, { value: '200' })).status).toBe(200);
    const indicator = indicatorIn((await api.call('GET', `/api/v1/sheets/${sheetId}`)).body, indicatorId);
    expect(indicator.progressEntry).toBe('toDate');
    expect(indicator.progressState.latest).toMatchObject({ quarter: 4, actualToDate: 201, state: 'onTrack' });
    expect(indicator.warnings).toEqual([
      expect.objectContaining({ code: 'resultDiffersFromToDate', result: 200, toDate: 201, message: expect.stringContaining('実績') }),
    ]);
    const listed = (await api.call('GET', '/api/v1/indicators?unit=地域課')).body.items[0];
    expect(listed).toMatchObject({ progressEntry: 'toDate', warnings: [expect.objectContaining({ code: 'resultDiffersFromToDate' })] });
  });

  it('by quarter when asked; a count may be revised to it', async () => {
    const { sheetId, goalId, indicatorId } = await api.smallSheet('区民生活課', '区民の活動を支えます。', {
      name: '企画の実施',
      target: '2企画実施',
    });
    expect((await api.call('PATCH', `/api/v1/sheets/${sheetId}/indicators/${indicatorId}`, { progressEntry: 'quarter' })).status).toBe(200);
    expect(indicatorIn((await api.call('GET', `/api/v1/sheets/${sheetId}`)).body, indicatorId).progressEntry).toBe('quarter');
    const made = await api.call('POST', `/api/v1/sheets/${sheetId}/goals/${goalId}/indicators`, {
      name: '相談件数',
      unit: '件',
      progressEntry: 'quarter',
    });
    expect(made.status).toBe(201);
    for (const [quarter, value] of ['0', '1', '0', '1'].entries()) {
      await api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${made.body.indicatorId}/progress/${quarter + 1}`, { value });
    }
    expect((await api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${made.body.indicatorId}/target`, { text: '2' })).status).toBe(200);
    const indicator = indicatorIn((await api.call('GET', `/api/v1/sheets/${sheetId}`)).body, made.body.indicatorId);
    expect(indicator).toMatchObject({ progressEntry: 'quarter', progressState: { latest: { actualToDate: 2 } }, warnings: [] });
  });

  it('a level is refused a progressEntry with 422 naming the field, and nothing is appended', async () => {
    const { sheetId, goalId, indicatorId } = await api.smallSheet('健康福祉課', '健康づくりを進めます。', {
      name: '参加者アンケートでの満足度(%)',
      target: '80%',
    });
    const before = (await api.call('GET', `/api/v1/sheets/${sheetId}/events`)).body;
    const defined = await api.call('POST', `/api/v1/sheets/${sheetId}/goals/${goalId}/indicators`, {
      name: '満足度',
      unit: '%',
      progressEntry: 'toDate',
    });
    expect(defined.status).toBe(422);
    expect(defined.body).toMatchObject({ code: 'ProgressEntryOnLevel', errors: [expect.objectContaining({ path: 'body.progressEntry' })] });
    const revised = await api.call('PATCH', `/api/v1/sheets/${sheetId}/indicators/${indicatorId}`, { progressEntry: 'quarter' });
    expect(revised.status).toBe(422);
    expect(revised.body.errors).toEqual([expect.objectContaining({ path: 'body.progressEntry' })]);
    const unknown = await api.call('POST', `/api/v1/sheets/${sheetId}/goals/${goalId}/indicators`, {
      name: '件数',
      progressEntry: 'weekly',
    });
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: 'body.progressEntry' })]);
    expect((await api.call('GET', `/api/v1/sheets/${sheetId}/events`)).body).toEqual(before);
    expect(indicatorIn((await api.call('GET', `/api/v1/sheets/${sheetId}`)).body, indicatorId).progressEntry).toBeNull();
  });
});
