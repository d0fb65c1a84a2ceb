import { sql } from 'kysely';
import { decide } from '@shinchoku/sheets/domain/sheet.decide';
import { sheetStream } from '@shinchoku/sheets';
import { rebuild } from '../../apps/shinchoku/src/rebuild';
import { startApi, TEST_TOKEN, TestApi } from '../support/api';
import { callAs, eventCount, issueToken, ok } from '../support/access';
import { summarise } from '../support/summaries';

let api: TestApi;
const quiet = { log() {}, error() {}, warn() {} };
/** The spellings people and documents use for one ward. */
const SPELLINGS = ['東区', '東区役所', '新潟市東区役所', '東　区'];
const encoded = (name: string) => encodeURIComponent(name);

/** A sheet with a goal and an indicator, created in `department` as spelt. */
async function sheetIn(department: string, unit: string, fiscalYear = 2024) {
  const { sheetId } = await ok(api.call('POST', '/api/v1/sheets', { fiscalYear, department, unit, createdOn: `${fiscalYear}-04-01` }));
  const { goalId } = await ok(api.call('POST', `/api/v1/sheets/${sheetId}/goals`, { text: `${unit}の目標` }));
  await ok(api.call('POST', `/api/v1/sheets/${sheetId}/goals/${goalId}/indicators`, { name: `${unit}の指標`, target: '10件' }));
  return sheetId as string;
}

let soumu: string;
let chiiki: string;
beforeAll(async () => {
  api = await startApi();
  // As seed 004 files them: under the ward office.
  soumu = await sheetIn('東区役所', '総務課');
  chiiki = await sheetIn('東区', '地域課');
  await ok(
    api.call('POST', '/api/v1/ward-plans', {
      department: '新潟市東区役所',
      fiscalYear: 2024,
      priorityGoals: [{ no: 1, text: '安心安全なまちづくり' }],
    }),
  );
  await sheetIn('西区役所', '総務課');
});
afterAll(() => api.close());

describe('one name for one department (東区 = 東区役所 = 新潟市東区 = 東　区)', () => {
  it('files and shows every sheet and ward plan under the one name', async () => {
    const sheets = (await api.call('GET', '/api/v1/sheets?fiscalYear=2024')).body.items;
    expect(sheets.map((s: { department: string; unit: string }) => `${s.department} ${s.unit}`).sort()).toEqual([
      '東区 地域課',
      '東区 総務課',
      '西区 総務課',
    ]);
    expect((await api.call('GET', `/api/v1/sheets/${soumu}`)).body).toMatchObject({ department: '東区', unit: '総務課' });
    expect((await api.call('GET', '/api/v1/ward-plans')).body.items).toEqual([expect.objectContaining({ department: '東区' })]);
  });

  it('keeps one sheet per department, unit and year whatever the spelling', async () => {
    const before = await eventCount(api);
    for (const department of ['東区', '東　区役所', '新潟市東区']) {
      expect(await api.call('POST', '/api/v1/sheets', { fiscalYear: 2024, department, unit: '総務課' })).toMatchObject({
        status: 422,
        body: { code: 'SheetAlreadyExists' },
      });
    }
    expect(await api.call('POST', '/api/v1/ward-plans', { department: '東区', fiscalYear: 2024, priorityGoals: [] })).toMatchObject({
      status: 422,
      body: { code: 'WardPlanAlreadyExists' },
    });
    expect(await eventCount(api)).toBe(before);
  });

  it('finds the same sheets, indicators, ward plans, contacts, summaries and exports by any spelling', async () => {
    await ok(
      api.call('POST', '/api/v1/contacts', {
        department: '東区役所',
        unit: '総務課',
        name: '東 一郎',
        role: '課長',
        email: 'ichiro@example.jp',
      }),
    );
    await summarise(api);
    const answers = [];
    for (const department of SPELLINGS) {
      const q = `fiscalYear=2024&department=${encoded(department)}`;
      const year = `${encoded(department)}/2024`;
      answers.push({
        sheets: (await api.call('GET', `/api/v1/sheets?${q}`)).body.items.map((s: { sheetId: string }) => s.sheetId).sort(),
        indicators: (await api.call('GET', `/api/v1/indicators?${q}`)).body.items.length,
        wardPlans: (await api.call('GET', `/api/v1/ward-plans?${q}`)).body.items.length,
        contacts: (await api.call('GET', `/api/v1/contacts?department=${encoded(department)}`)).body.items.map(
          (c: { name: string }) => c.name,
        ),
        summary: (({ updatedThrough: _u, ...summary }) => summary)((await api.call('GET', `/api/v1/summaries/wards/${year}`)).body),
        csv: await fetch(`${api.url}/api/v1/summaries/wards/${year}/export.csv`, {
          headers: { authorization: `Bearer ${TEST_TOKEN}` },
        }).then(async (r) => ({
          file: r.headers.get('content-disposition'),
          text: await r.text(),
        })),
      });
    }
    expect(answers[0]).toMatchObject({
      sheets: [chiiki, soumu].sort(),
      indicators: 2,
      wardPlans: 1,
      contacts: ['東 一郎'],
      summary: { ward: '東区', sheets: 2 },
    });
    expect(answers[0]!.csv.text).toContain('地域課');
    expect(answers[0]!.csv.file).toContain(encoded('令和6年度_東区.csv'));
    for (const answer of answers) expect(answer).toEqual(answers[0]);
  });

  it('reminds a contact of 東区 for a sheet filed under 東区役所', async () => {
    const contact = await ok(
      api.call('POST', '/api/v1/contacts', {
        department: '東区',
        unit: '総務課',
        name: '東 花子',
        role: '担当',
        email: 'hanako@example.jp',
      }),
    );
    expect(contact.department).toBe('東区');
    const reminders = (await api.call('GET', `/api/v1/reminders?sheetId=${soumu}`)).body.items;
    expect(reminders.filter((r: { recipient: { contactId: string } }) => r.recipient.contactId === contact.contactId)).not.toHaveLength(0);
  });

  it('lets a coordinator granted 東区役所 (however spelt) act on and list 東区 sheets, also with a grant stored before', async () => {
    const issued = await issueToken(api, [{ role: 'coordinator', department: '東　区役所' }]);
    const tokens = (await api.call('GET', '/api/v1/tokens')).body.items;
    expect(tokens.find((t: { tokenId: string }) => t.tokenId === issued.tokenId).grants).toEqual([
      { role: 'coordinator', department: '東区' },
    ]);
    // A token issued before departments had one name keeps the spelling it was given.
    const old = await issueToken(api, [{ role: 'coordinator', department: '東区' }]);
    await sql`UPDATE access_tokens SET grants = '[{"role":"coordinator","department":"東 区役所"}]' WHERE token_id = ${old.tokenId}::uuid`.execute(
      api.resources.database.db,
    );
    for (const token of [issued.token, old.token]) {
      const as = callAs(api, token);
      expect(await as('POST', `/api/v1/sheets/${chiiki}/goals`, { text: '協働のまちづくり' })).toMatchObject({ status: 201 });
      const listed = (await as('GET', '/api/v1/sheets?fiscalYear=2024')).body.items.map((s: { sheetId: string }) => s.sheetId).sort();
      expect(listed).toEqual([chiiki, soumu].sort());
      expect(await as('POST', '/api/v1/contacts', { department: '東区役所', name: '東 調整', role: 'coordinator' })).toMatchObject({
        status: 201,
      });
      expect(await as('POST', '/api/v1/contacts', { department: '西区', name: '西 調整', role: 'coordinator' })).toMatchObject({
        status: 403,
      });
    }
  });
});

describe('a stream recorded before departments had one name', () => {
  it('replays to the same state as one recorded today, and its events stay as recorded', async () => {
    const [old, fresh] = ['00000000-0000-4000-8000-00000000e001', '00000000-0000-4000-8000-00000000e002'];
    const created = (sheetId: string, unit: string) => {
      const events = decide(
        { type: 'CreateSheet', sheetId, fiscalYear: 2025, department: '東区役所', unit, createdOn: '2025-04-01', today: '2025-04-01' },
        undefined,
      );
      if (!Array.isArray(events)) throw new Error(events.message);
      return events[0]!;
    };
    const by = { actor: { id: 'u-seed', name: '取込' }, source: 'test' };
    // As main recorded it: version 1, the department as the caller spelt it.
    const recorded = created(old, '健康福祉課');
    await api.resources.store.append(
      sheetStream(old),
      0,
      [{ ...recorded, data: { ...recorded.data, department: '東区役所' }, schemaVersion: 1 }],
      by,
    );
    await api.resources.store.append(sheetStream(fresh), 0, [created(fresh, '保護課')], by);
    await rebuild(api.resources, ['current-state'], quiet);

    const shown = async (sheetId: string, query = '') =>
      (({ sheetId: _id, unit: _unit, asOf: _at, ...sheet }) => sheet)((await api.call('GET', `/api/v1/sheets/${sheetId}${query}`)).body);
    expect((await api.call('GET', `/api/v1/sheets/${old}`)).body).toMatchObject({ department: '東区', unit: '健康福祉課' });
    expect(await shown(old)).toEqual(await shown(fresh));
    expect(await shown(old, '?version=1')).toEqual(await shown(fresh, '?version=1'));
    const listed = (await api.call('GET', `/api/v1/sheets?fiscalYear=2025&department=${encoded('東区')}`)).body.items.map(
      (s: { sheetId: string }) => s.sheetId,
    );
    expect(listed.sort()).toEqual([old, fresh].sort());
    // A command on the old stream decides on the replayed state.
    expect(await api.call('POST', `/api/v1/sheets/${old}/goals`, { text: '健康づくり' })).toMatchObject({ status: 201 });

    const { rows } = await sql<{ stream_id: string; department: string; schema_version: number }>`
      SELECT stream_id, data->>'department' AS department, schema_version FROM events
       WHERE stream_id IN (${sheetStream(old)}, ${sheetStream(fresh)}) AND stream_version = 1 ORDER BY stream_id`.execute(
      api.resources.database.db,
    );
    expect(rows).toEqual([
      { stream_id: sheetStream(old), department: '東区役所', schema_version: 1 },
      { stream_id: sheetStream(fresh), department: '東区', schema_version: 2 },
    ]);
  });
});
