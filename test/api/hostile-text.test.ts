import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { startApi, type Reply, type SmallSheet, type TestApi } from '../support/api';
import { eventCount, ok } from '../support/access';

/** #13 items 11–14: text the database cannot hold, ids in upper case, numbers written oddly, body-less requests. */
let api: TestApi;
let sheet: SmallSheet;

beforeAll(async () => {
  api = await startApi();
  sheet = await api.smallSheet('地域課', '西区の環境美化を推進します。', { name: '清掃参加団体数', target: '530団体以上' });
});
afterAll(() => api.close());

const JSON_TYPE = { 'content-type': 'application/json' };

/** The request is refused with a 400 problem naming `path` (a string or a matcher), and nothing is appended. */
async function refused(request: () => Promise<Reply>, path: unknown, code = 'InvalidRequest'): Promise<Reply> {
  const before = await eventCount(api);
  const reply = await request();
  expect({ status: reply.status, type: reply.headers.get('content-type'), code: reply.body?.code }).toEqual({
    status: 400,
    type: 'application/problem+json; charset=utf-8',
    code,
  });
  if (code === 'InvalidRequest')
    expect(reply.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.any(String) })]));
  expect(await eventCount(api)).toBe(before);
  return reply;
}

describe('NUL and unpaired surrogates in JSON bodies (11)', () => {
  const s = () => `/api/v1/sheets/${sheet.sheetId}`;
  const cases: Array<[string, string, () => string, unknown, string]> = [
    ['create a sheet', 'POST', () => '/api/v1/sheets', { fiscalYear: 2024, department: '西区', unit: '地\u0000域課' }, 'body.unit'],
    ['revise a sheet', 'PATCH', s, { purpose: 'a\u0000b' }, 'body.purpose'],
    ['revise policy indicators', 'PATCH', s, { policyIndicators: ['ok', 'b\uD800'] }, 'body.policyIndicators[1]'],
    [
      'add a goal',
      'POST',
      () => `${s()}/goals`,
      { text: 'x', initiatives: [{ name: 'n', description: '\uDC00' }] },
      'body.initiatives[0].description',
    ],
    ['define an indicator', 'POST', () => `${s()}/goals/${sheet.goalId}/indicators`, { name: '\u0000' }, 'body.name'],
    ['set a target', 'PUT', () => `${s()}/indicators/${sheet.indicatorId}/target`, { text: '\u0000' }, 'body.text'],
    ['record progress', 'PUT', () => `${s()}/indicators/${sheet.indicatorId}/progress/1`, { value: 'ab\u0000' }, 'body.value'],
    [
      'record a result (half an emoji)',
      'PUT',
      () => `${s()}/indicators/${sheet.indicatorId}/result`,
      { value: 1, note: '\uD83D' },
      'body.note',
    ],
    ['evaluate a goal', 'PUT', () => `${s()}/goals/${sheet.goalId}/evaluation`, { rating: '○', status: '\u0000' }, 'body.status'],
    ['reopen', 'POST', () => `${s()}/reopen`, { reason: '\u0000' }, 'body.reason'],
    [
      'create a ward plan',
      'POST',
      () => '/api/v1/ward-plans',
      { department: '西区', fiscalYear: 2024, priorityGoals: [{ no: 1, text: '\u0000' }] },
      'body.priorityGoals[0].text',
    ],
    [
      'create a contact',
      'POST',
      () => '/api/v1/contacts',
      { department: '西区', unit: '地域課', name: '\u0000', role: '担当' },
      'body.name',
    ],
    ['issue a token', 'POST', () => '/api/v1/tokens', { name: '\u0000', grants: [{ role: 'viewer' }] }, 'body.name'],
    [
      'a NUL in a field name',
      'POST',
      () => '/api/v1/sheets',
      { fiscalYear: 2024, department: '西区', unit: 'x', 'x\u0000': 1 },
      'body.x\\u0000',
    ],
    [
      'a surrogate in a nested field name',
      'PATCH',
      () => `${s()}/goals/${sheet.goalId}`,
      { initiatives: [{ '\uD800': 1 }] },
      'body.initiatives[0].\\ud800',
    ],
  ];

  it.each(cases)('%s → 400 naming the field, nothing appended', async (_name, method, path, body, field) => {
    await refused(() => api.call(method, path(), body), field);
  });

  it('names a NUL 100,000 arrays deep by the two ends of its path, in a short answer', async () => {
    const deep = `${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)}`;
    const reply = await refused(
      () => api.call('PUT', `/api/v1/sheets/${sheet.sheetId}/indicators/${sheet.indicatorId}/target`, deep),
      expect.stringMatching(/^body\[0\]\[0\].*….*\[0\]$/),
    );
    expect(JSON.stringify(reply.body).length).toBeLessThan(1_000);
  });

  it('accepts emoji, right-to-left and full-width text as it is', async () => {
    const text = '目標😀 עברית ＡＢＣ１２３ 👩‍👩‍👧';
    await ok(api.call('PUT', `/api/v1/sheets/${sheet.sheetId}/indicators/${sheet.indicatorId}/target`, { text }));
    const read = await api.call('GET', `/api/v1/sheets/${sheet.sheetId}`, undefined, { 'cache-control': 'no-cache' });
    expect(JSON.stringify(read.body)).toContain(text);
  });
});

describe('NUL and broken UTF-8 in paths and queries (11)', () => {
  it.each([
    ['%00 in a path parameter', '/api/v1/summaries/wards/%00/2024', 'params.department'],
    ['%00 in a query value', '/api/v1/sheets?department=%00', 'query.department'],
    ['%FF in a query value', '/api/v1/sheets?department=%FF', 'query.department'],
    ['%C3%28 in a query value', '/api/v1/indicators?unit=%C3%28', 'query.unit'],
    ['an encoded surrogate in a query value', '/api/v1/ward-plans?department=%ED%A0%80', 'query.department'],
  ])('%s → 400 naming it', async (_name, path, field) => {
    await refused(() => api.call('GET', path), field);
  });

  it.each([['/api/v1/sheets/%FF'], ['/api/v1/sheets/%C3%28/events'], ['/api/v1/summaries/wards/%E8%A5/2024']])(
    '%s (not UTF-8 in the path) → 400 problem',
    async (path) => {
      const reply = await refused(() => api.call('GET', path), 'url', 'InvalidUrl');
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    },
  );

  it('answers a query too long for the HTTP parser with a problem', async () => {
    const reply = await fetch(`${api.url}/api/v1/sheets?department=${'%E3%81%82'.repeat(3_000)}`);
    expect({
      status: reply.status,
      type: reply.headers.get('content-type'),
      code: ((await reply.json()) as { code: string }).code,
    }).toEqual({
      status: 431,
      type: 'application/problem+json; charset=utf-8',
      code: 'HeadersTooLarge',
    });
  });
});

describe('ids in upper case are the same ids (12)', () => {
  const upper = (id: string) => id.toUpperCase();

  it('reads, writes, deletes and lists through an upper-case id exactly as through the lower-case one', async () => {
    const small = await api.smallSheet('保護課', '見守りを進めます。', { name: '訪問件数', target: '100件' });
    const S = `/api/v1/sheets/${upper(small.sheetId)}`;
    const read = await api.call('GET', S);
    expect(read).toMatchObject({ status: 200, body: { sheetId: small.sheetId } });
    const version = Number(read.headers.get('etag')!.replace(/"/g, ''));
    expect(await api.call('PUT', `${S}/indicators/${upper(small.indicatorId)}/target`, { text: '120件' })).toMatchObject({
      status: 200,
      body: { sheetId: small.sheetId, version: version + 1 },
    });
    expect(await api.call('PATCH', S, { purpose: '見守り' }, { 'if-match': `"${version + 1}"` })).toMatchObject({
      status: 200,
      body: { version: version + 2 },
    });
    expect(await api.call('GET', `${S}/events`)).toMatchObject({
      status: 200,
      body: { items: expect.arrayContaining([expect.objectContaining({ version: version + 2 })]) },
    });
    expect((await api.call('GET', `/api/v1/reminders?sheetId=${upper(small.sheetId)}`)).status).toBe(200);
    expect((await api.call('GET', `${S}/audit`)).status).toBe(200);
    expect(await api.call('DELETE', `${S}/goals/${upper(small.goalId)}`)).toMatchObject({ status: 200, body: { version: version + 3 } });
    const streams = await sql<{
      stream_id: string;
    }>`SELECT stream_id FROM streams WHERE lower(stream_id) = ${`sheet-${small.sheetId}`}`.execute(api.resources.database.db);
    expect(streams.rows.map((r) => r.stream_id)).toEqual([`sheet-${small.sheetId}`]);
  });

  it('finds contacts and tokens through upper-case ids', async () => {
    const { contactId } = await ok(
      api.call('POST', '/api/v1/contacts', { department: '西区', unit: '地域課', name: '西 太郎', role: '担当' }),
    );
    expect(await api.call('GET', `/api/v1/contacts/${upper(contactId)}`)).toMatchObject({ status: 200, body: { contactId } });
    expect(await api.call('PATCH', `/api/v1/contacts/${upper(contactId)}`, { name: '西 次郎' })).toMatchObject({
      status: 200,
      body: { name: '西 次郎' },
    });
    expect((await api.call('DELETE', `/api/v1/contacts/${upper(contactId)}`)).status).toBe(204);
    const { tokenId } = await ok(api.call('POST', '/api/v1/tokens', { name: '一時', grants: [{ role: 'viewer' }] }));
    expect(await api.call('DELETE', `/api/v1/tokens/${upper(tokenId)}`)).toMatchObject({ status: 200, body: { tokenId } });
  });

  it.each([[`{${randomUUID()}}`], [`urn:uuid:${randomUUID()}`], [randomUUID().replace(/-/g, '')]])(
    'refuses %s, which is not a UUID as written',
    async (id) => {
      await refused(() => api.call('GET', `/api/v1/sheets/${encodeURIComponent(id)}`), 'params.sheetId');
    },
  );
});

describe('numbers in paths and queries are plain digits (13)', () => {
  const progress = (quarter: string) => () =>
    api.call('PUT', `/api/v1/sheets/${sheet.sheetId}/indicators/${sheet.indicatorId}/progress/${quarter}`, { value: 1 });

  it.each(['01', '1e0', '+1', '1.0', '%201', '%EF%BC%95', '%EF%BC%91', '0x1', '-1', '1%20', '0', '5'])(
    'quarter %s → 400',
    async (quarter) => {
      await refused(progress(quarter), 'params.quarter');
    },
  );

  it('records quarters 1 to 4', async () => {
    for (const quarter of ['1', '2', '3', '4']) expect((await progress(quarter)()).status).toBe(200);
  });

  it.each([
    ['/api/v1/sheets?fiscalYear=2024.0', 'query.fiscalYear'],
    ['/api/v1/sheets?fiscalYear=%2B2024', 'query.fiscalYear'],
    ['/api/v1/sheets?fiscalYear=2.024e3', 'query.fiscalYear'],
    ['/api/v1/ward-plans?fiscalYear=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%94', 'query.fiscalYear'],
    ['/api/v1/indicators?limit=1e1', 'query.limit'],
    ['/api/v1/reminders?limit=0x10', 'query.limit'],
    ['/api/v1/summaries/fiscal-years/02024', 'params.fiscalYear'],
    ['/api/v1/summaries/wards/西区/2024.0/export.csv', 'params.fiscalYear'],
  ])('%s → 400', async (path, field) => {
    await refused(() => api.call('GET', path), field);
  });

  it('still reads fiscalYear, limit and version written plainly', async () => {
    expect((await api.call('GET', '/api/v1/sheets?fiscalYear=2024&limit=10')).status).toBe(200);
    expect((await api.call('GET', `/api/v1/sheets/${sheet.sheetId}?version=1`)).status).toBe(200);
  });
});

describe('If-Match: * (13)', () => {
  it('matches any version of a sheet that exists', async () => {
    expect(
      (await api.call('PUT', `/api/v1/sheets/${sheet.sheetId}/indicators/${sheet.indicatorId}/result`, { value: 3 }, { 'if-match': '*' }))
        .status,
    ).toBe(200);
  });

  it('leaves a sheet that does not exist a 404, as without the header (RFC 9110 13.2.1)', async () => {
    const reply = await api.call('PUT', `/api/v1/sheets/${randomUUID()}/evaluation-date`, { date: '2025-05-07' }, { 'if-match': '*' });
    expect(reply).toMatchObject({ status: 404, body: { code: 'SheetNotFound' } });
  });
});

describe('Content-Type: application/json without a body (14)', () => {
  it('accepts a DELETE, a body-less POST and a GET that declare JSON and send nothing', async () => {
    const small = await api.smallSheet('税務課', '適正に課税します。', { name: '件数', target: '10件' });
    expect(await api.call('DELETE', `/api/v1/sheets/${small.sheetId}/goals/${small.goalId}`, '', JSON_TYPE)).toMatchObject({ status: 200 });
    // No goals left: the close is refused by the rule, not by the parser.
    expect(await api.call('POST', `/api/v1/sheets/${small.sheetId}/close`, '', JSON_TYPE)).toMatchObject({
      status: 422,
      body: { code: 'SheetHasNoGoals' },
    });
    expect((await api.call('GET', `/api/v1/sheets/${small.sheetId}`, undefined, JSON_TYPE)).status).toBe(200);
    const { tokenId } = await ok(api.call('POST', '/api/v1/tokens', { name: '一時', grants: [{ role: 'viewer' }] }));
    expect((await api.call('DELETE', `/api/v1/tokens/${tokenId}`, '', JSON_TYPE)).status).toBe(200);
  });

  it('still names the body when a route that needs one gets none', async () => {
    await refused(() => api.call('PUT', `/api/v1/sheets/${sheet.sheetId}/indicators/${sheet.indicatorId}/target`, '', JSON_TYPE), 'body');
  });
});
