import { startApi, TestApi } from '../support/api';

let api: TestApi;
let sheetId: string;
let indicatorId: string;

beforeAll(async () => {
  api = await startApi();
  ({ sheetId, indicatorId } = await api.smallSheet('保護課', '就労支援を行います。', { name: '就労支援事業利用者数', target: '124人' }));
});
afterAll(() => api.close());

const events = async () =>
  (await api.call('GET', `/api/v1/sheets/${sheetId}/events`)).body.items as Array<{ type: string; version: number }>;
const version = async () => (await api.call('GET', `/api/v1/sheets/${sheetId}`)).body.version as number;

describe('concurrent requests', () => {
  it('lets exactly one of 20 parallel RecordProgress with the same If-Match succeed', async () => {
    const seen = await version();
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/1`, { value: 30 + i }, { 'if-match': `"${seen}"` }),
      ),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 412 || s === 409)).toBe(true);
    for (const reply of replies.filter((r) => r.status !== 200)) {
      expect(reply.body.code).toMatch(/^(VersionMismatch|ConcurrentChange)$/);
    }
    expect(await version()).toBe(seen + 2); // SheetActivated + ProgressRecorded, once
  });

  it('lands all 20 parallel RecordProgress without If-Match, each decided on the state before it', async () => {
    const before = (await events()).length;
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/2`, { value: 60 + i }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    const after = await events();
    expect(after.slice(before).map((e) => e.type)).toEqual(['ProgressRecorded', ...Array(19).fill('ProgressCorrected')]);
    expect(after.map((e) => e.version)).toEqual(after.map((_, i) => i + 1));
  });

  it('appends one set of events for the same Idempotency-Key sent 20 times in parallel, and answers all alike', async () => {
    const before = (await events()).length;
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        api.call(
          'POST',
          `/api/v1/sheets/${sheetId}/goals`,
          { text: '稼働能力を検討します。' },
          { 'idempotency-key': 'add-goal-2024-0001' },
        ),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(replies.map((r) => JSON.stringify(r.body))).size).toBe(1);
    const after = await events();
    expect(after.slice(before).map((e) => e.type)).toEqual(['GoalAdded']);

    const later = await api.call(
      'POST',
      `/api/v1/sheets/${sheetId}/goals`,
      { text: '稼働能力を検討します。' },
      { 'idempotency-key': 'add-goal-2024-0001' },
    );
    expect(later).toMatchObject({ status: 201, body: replies[0]!.body });
    expect((await events()).length).toBe(after.length);
  });

  it('refuses an Idempotency-Key reused for a different request', async () => {
    const first = await api.call(
      'PUT',
      `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/3`,
      { value: 90 },
      { 'idempotency-key': 'q3-entry' },
    );
    expect(first.status).toBe(200);
    const before = (await events()).length;
    const reused = await api.call(
      'PUT',
      `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/3`,
      { value: 91 },
      { 'idempotency-key': 'q3-entry' },
    );
    expect(reused).toMatchObject({ status: 422, body: { code: 'IdempotencyKeyReused', errors: [{ path: 'header.idempotency-key' }] } });
    expect((await events()).length).toBe(before);
  });
});
