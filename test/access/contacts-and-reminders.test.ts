import { sql } from 'kysely';
import { startApi, TestApi } from '../support/api';
import { callAs, issueToken, ok } from '../support/access';

let api: TestApi;
let asWestCoordinator: ReturnType<typeof callAs>;
let asEastCoordinator: ReturnType<typeof callAs>;
let asWestEditor: ReturnType<typeof callAs>;
let westContact: string;

beforeAll(async () => {
  api = await startApi();
  asWestCoordinator = callAs(api, (await issueToken(api, [{ role: 'coordinator', department: '西区' }])).token);
  asEastCoordinator = callAs(api, (await issueToken(api, [{ role: 'coordinator', department: '東区' }])).token);
  asWestEditor = callAs(api, (await issueToken(api, [{ role: 'editor', department: '西区', unit: '地域課' }])).token);
  westContact = (
    await ok(
      api.call('POST', '/api/v1/contacts', { department: '西区', unit: '地域課', name: '西 太郎', role: '担当', email: 'taro@example.jp' }),
    )
  ).contactId;
  await ok(
    api.call('POST', '/api/v1/contacts', { department: '東区', unit: '総務課', name: '東 花子', role: '担当', email: 'hanako@example.jp' }),
  );
});
afterAll(() => api.close());

const contactCount = async () =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM contacts`.execute(api.resources.database.db)).rows[0]!.n);

describe('contacts are managed by the department’s coordinator', () => {
  it('lists only the contacts of the caller’s department', async () => {
    const west = await asWestCoordinator('GET', '/api/v1/contacts');
    expect(west.status).toBe(200);
    expect(west.body.items.map((c: { name: string }) => c.name)).toEqual(['西 太郎']);
  });

  it('creates in its own department, and is refused elsewhere with nothing written', async () => {
    const before = await contactCount();
    expect(
      await asEastCoordinator('POST', '/api/v1/contacts', { department: '西区', unit: '地域課', name: '侵入', role: '担当' }),
    ).toMatchObject({
      status: 403,
      body: { permission: 'contacts.manage' },
    });
    expect(await contactCount()).toBe(before);
    expect(
      await asWestCoordinator('POST', '/api/v1/contacts', { department: '西区', unit: '保護課', name: '西 次郎', role: '課長' }),
    ).toMatchObject({ status: 201 });
  });

  it('cannot see, change or delete another department’s contact, nor move one there', async () => {
    expect(await asEastCoordinator('GET', `/api/v1/contacts/${westContact}`)).toMatchObject({ status: 404 });
    expect(await asEastCoordinator('PATCH', `/api/v1/contacts/${westContact}`, { name: '変更' })).toMatchObject({ status: 404 });
    expect(await asEastCoordinator('DELETE', `/api/v1/contacts/${westContact}`)).toMatchObject({ status: 404 });
    expect(await asWestCoordinator('PATCH', `/api/v1/contacts/${westContact}`, { department: '東区' })).toMatchObject({
      status: 403,
      body: { permission: 'contacts.manage' },
    });
    expect((await api.call('GET', `/api/v1/contacts/${westContact}`)).body).toMatchObject({ name: '西 太郎', department: '西区' });
  });

  it('refuses a unit editor, who manages no contacts', async () => {
    expect(await asWestEditor('GET', '/api/v1/contacts')).toMatchObject({ status: 403, body: { permission: 'contacts.manage' } });
  });
});

describe('reminders are seen where their sheet is', () => {
  it('shows a unit editor its own sheet’s reminders and not another department’s', async () => {
    const sheet = await ok(
      api.call('POST', '/api/v1/sheets', { fiscalYear: 2024, department: '西区', unit: '地域課', createdOn: '2024-04-01' }),
    );
    const other = await ok(
      api.call('POST', '/api/v1/sheets', { fiscalYear: 2024, department: '東区', unit: '総務課', createdOn: '2024-04-01' }),
    );
    const db = api.resources.database.db;
    // Rows as the planner writes them; the planner itself is tested in test/reminders.
    for (const sheetId of [sheet.sheetId, other.sheetId]) {
      await sql`INSERT INTO reminders (reminder_id, sheet_id, plan_key, kind, due_on, send_on, send_at, recipient, channel, status, planned_at)
        VALUES (gen_random_uuid(), ${sheetId}, 'k', 'evaluation', '2025-05-07', '2025-04-25', now(), '{}', 'log', 'planned', now())`.execute(
        db,
      );
    }
    const seen = await asWestEditor('GET', '/api/v1/reminders');
    expect(seen.status).toBe(200);
    expect(seen.body.items.map((r: { sheetId: string }) => r.sheetId)).toEqual([sheet.sheetId]);
    expect((await api.call('GET', '/api/v1/reminders')).body.items).toHaveLength(2);
  });
});
