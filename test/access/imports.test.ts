import { startApi, TestApi } from '../support/api';
import { eventCount, issueToken } from '../support/access';
import { SEED_000, SEED_004, seedFile } from '../support/documents';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const upload = async (name: string, token: string) => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(seedFile(name))]), name);
  const response = await fetch(`${api.url}/api/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: response.status, body: (await response.json()) as any };
};

describe('who may import', () => {
  it('refuses a file that writes outside the caller’s department, appending nothing', async () => {
    const east = await issueToken(api, [{ role: 'coordinator', department: '東区' }]);
    const before = await eventCount(api);
    expect(await upload(SEED_000, east.token)).toMatchObject({ status: 403, body: { code: 'PermissionMissing', permission: 'sheet.create' } });
    expect(await eventCount(api)).toBe(before);
  });

  it('refuses a unit editor, who creates no sheets, before reading the file', async () => {
    const editor = await issueToken(api, [{ role: 'editor', department: '東区', unit: '総務課' }]);
    expect(await upload(SEED_004, editor.token)).toMatchObject({ status: 403, body: { permission: 'sheet.create' } });
  });

  it('lets the department’s coordinator import its sheets and ward plan', async () => {
    const east = await issueToken(api, [{ role: 'coordinator', department: '東区' }]);
    const reply = await upload(SEED_004, east.token);
    expect(reply).toMatchObject({ status: 201, body: { sheets: 3, wardPlans: 1 } });
    const events = (await api.call('GET', '/api/v1/audit/verify')).body;
    expect(events.ok).toBe(true);
  });
});
