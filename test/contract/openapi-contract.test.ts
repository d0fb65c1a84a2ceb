import ExcelJS from 'exceljs';
import { PROBLEM_CODE_LIST } from '@shinchoku/http';
import { startApi, TEST_TOKEN, type TestApi } from '../support/api';
import { Contract, type OpenApiDocument } from './contract';

/**
 * Every operation of the served OpenAPI document, called as a client would in a realistic flow,
 * and every error status that can be provoked: each response checked against the document
 * (status, content type, body, headers). A response the document does not describe fails.
 */
let api: TestApi;
let contract: Contract;
const violations: string[] = [];

interface Call {
  params?: Record<string, string | number>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  token?: string | null;
  raw?: RequestInit['body'];
}

/** Calls `METHOD /path/{param}` and checks the answer against the document. */
async function call(operation: string, { params = {}, query, body, headers = {}, token = TEST_TOKEN, raw }: Call = {}) {
  const [method, template] = operation.split(' ') as [string, string];
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params[name])));
  const search = query ? `?${new URLSearchParams(query).toString()}` : '';
  const response = await fetch(`${api.url}${path}${search}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    ...(raw !== undefined && { body: raw }),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = (response.headers.get('content-type') ?? '').includes('spreadsheetml') ? bytes.toString('base64') : bytes.toString('utf8');
  violations.push(...contract.violations({ method, template, status: response.status, headers: response.headers, text }));
  const json = (response.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : undefined;
  return { status: response.status, headers: response.headers, body: json, bytes };
}

beforeAll(async () => {
  api = await startApi({ RATE_LIMIT_MAX: '5' });
  contract = new Contract((await (await fetch(`${api.url}/openapi.json`)).json()) as OpenApiDocument);
});
afterAll(() => api.close());

describe('the OpenAPI document', () => {
  it('is served at /openapi.json without a token, with a Problem whose code lists every problem code', () => {
    expect(contract.document.components.schemas['Problem']?.properties?.['code']?.enum).toEqual(PROBLEM_CODE_LIST);
    expect(contract.operations().length).toBeGreaterThanOrEqual(43);
  });
});

describe('every operation, against the document', () => {
  it('answers as documented through a realistic flow and its errors', async () => {
    // Operations: public ones without a token.
    expect((await call('GET /health', { token: null })).status).toBe(200);
    expect((await call('GET /metrics', { token: null })).status).toBe(200);

    // Access: tokens.
    const viewer = await call('POST /api/v1/tokens', {
      body: { name: '閲覧 花子', grants: [{ role: 'viewer', department: '西区', unit: '地域課' }] },
    });
    expect(viewer.status).toBe(201);
    const limited = await call('POST /api/v1/tokens', { body: { name: '制限 太郎', grants: [{ role: 'viewer' }] } });
    expect((await call('POST /api/v1/tokens', { body: { name: 'x', grants: [{ role: 'editor', department: '西区' }] } })).status).toBe(400);
    expect(
      (await call('POST /api/v1/tokens', { body: { name: 'x', grants: [{ role: 'viewer' }], expiresAt: '2000-01-01T00:00:00Z' } })).status,
    ).toBe(422);
    expect((await call('GET /api/v1/tokens')).status).toBe(200);
    expect((await call('GET /api/v1/me')).status).toBe(200);
    expect((await call('GET /api/v1/me', { token: viewer.body.token })).body.grants).toEqual([
      { role: 'viewer', department: '西区', unit: '地域課' },
    ]);
    expect((await call('GET /api/v1/me', { token: null })).status).toBe(401);
    expect((await call('GET /api/v1/sign-in/options', { token: null })).body).toEqual({ sso: null });
    expect((await call('DELETE /api/v1/tokens/{tokenId}', { params: { tokenId: limited.body.tokenId } })).status).toBe(200);
    expect((await call('DELETE /api/v1/tokens/{tokenId}', { params: { tokenId: '00000000-0000-4000-8000-000000000000' } })).status).toBe(
      404,
    );

    // Sheets: create, and what is refused.
    const sheetBody = { fiscalYear: 2024, department: '西区', unit: '地域課', createdOn: '2024-04-01' };
    const created = await call('POST /api/v1/sheets', { body: sheetBody, headers: { 'idempotency-key': 'contract-sheet' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/sheets/${created.body.sheetId}`);
    const sheetId: string = created.body.sheetId;
    expect((await call('POST /api/v1/sheets', { body: { ...sheetBody, createdOn: '2026-02-30' } })).status).toBe(400);
    expect((await call('POST /api/v1/sheets', { body: { ...sheetBody, fiscalYear: 2024.5 } })).status).toBe(400);
    expect((await call('POST /api/v1/sheets', { body: sheetBody })).status).toBe(422);
    expect((await call('POST /api/v1/sheets', { body: sheetBody, token: null })).status).toBe(401);
    expect((await call('POST /api/v1/sheets', { body: sheetBody, token: viewer.body.token })).status).toBe(403);
    expect(
      (await call('POST /api/v1/sheets', { raw: 'fiscalYear=2024', headers: { 'content-type': 'application/x-www-form-urlencoded' } }))
        .status,
    ).toBe(415);
    expect((await call('POST /api/v1/sheets', { body: { purpose: 'x'.repeat(1_100_000) } })).status).toBe(413);
    expect((await call('POST /api/v1/sheets', { body: '{"fiscalYear":' })).status).toBe(400);

    // Goals and indicators.
    const goal = await call('POST /api/v1/sheets/{sheetId}/goals', { params: { sheetId }, body: { text: '地域活動の担い手を増やす' } });
    expect(goal.status).toBe(201);
    const goalId: string = goal.body.goalId;
    const spare = await call('POST /api/v1/sheets/{sheetId}/goals', { params: { sheetId }, body: { text: '取り下げる目標' } });
    expect((await call('DELETE /api/v1/sheets/{sheetId}/goals/{goalId}', { params: { sheetId, goalId: spare.body.goalId } })).status).toBe(
      200,
    );
    expect(
      (
        await call('PATCH /api/v1/sheets/{sheetId}/goals/{goalId}', {
          params: { sheetId, goalId },
          body: { text: '地域活動の担い手を育てる' },
        })
      ).status,
    ).toBe(200);
    const indicator = await call('POST /api/v1/sheets/{sheetId}/goals/{goalId}/indicators', {
      params: { sheetId, goalId },
      body: { name: '地域清掃活動の参加団体数', unit: '団体', target: '120団体' },
    });
    expect(indicator.status).toBe(201);
    const indicatorId: string = indicator.body.indicatorId;
    expect(
      (
        await call('PATCH /api/v1/sheets/{sheetId}/indicators/{indicatorId}', {
          params: { sheetId, indicatorId },
          body: { notes: '自治会単位' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('PUT /api/v1/sheets/{sheetId}/indicators/{indicatorId}/target', {
          params: { sheetId, indicatorId },
          body: { text: '130団体' },
        })
      ).status,
    ).toBe(200);

    // The sheet: read, poll, past versions, and what is refused.
    const sheet = await call('GET /api/v1/sheets/{sheetId}', { params: { sheetId } });
    expect(sheet.status).toBe(200);
    const etag = sheet.headers.get('etag')!;
    expect((await call('GET /api/v1/sheets/{sheetId}', { params: { sheetId }, headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await call('GET /api/v1/sheets/{sheetId}', { params: { sheetId }, query: { version: '1' } })).body.asOf).toBeDefined();
    expect(
      (await call('GET /api/v1/sheets/{sheetId}', { params: { sheetId }, query: { version: '1', asOf: '2024-04-01T09:00:00+09:00' } }))
        .status,
    ).toBe(400);
    expect((await call('GET /api/v1/sheets/{sheetId}', { params: { sheetId }, query: { version: '999' } })).status).toBe(404);
    expect((await call('GET /api/v1/sheets/{sheetId}', { params: { sheetId: '00000000-0000-4000-8000-000000000000' } })).status).toBe(404);
    expect((await call('GET /api/v1/sheets/{sheetId}', { params: { sheetId }, token: viewer.body.token })).status).toBe(200);
    expect((await call('PATCH /api/v1/sheets/{sheetId}', { params: { sheetId }, body: {} })).status).toBe(400);
    expect(
      (
        await call('PATCH /api/v1/sheets/{sheetId}', {
          params: { sheetId },
          body: { purpose: '地域の力を高める' },
          headers: { 'if-match': etag },
        })
      ).status,
    ).toBe(200);

    // Progress with If-Match: the version read is stale now → 412 with the current ETag.
    const stale = await call('PUT /api/v1/sheets/{sheetId}/indicators/{indicatorId}/progress/{quarter}', {
      params: { sheetId, indicatorId, quarter: 1 },
      body: { value: '35団体' },
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('VersionMismatch');
    const current = stale.headers.get('etag')!;
    const recorded = await call('PUT /api/v1/sheets/{sheetId}/indicators/{indicatorId}/progress/{quarter}', {
      params: { sheetId, indicatorId, quarter: 1 },
      body: { value: '35団体' },
      headers: { 'if-match': current },
    });
    expect(recorded.status).toBe(200);
    expect(recorded.headers.get('etag')).not.toBe(current);
    expect(
      (
        await call('PUT /api/v1/sheets/{sheetId}/indicators/{indicatorId}/progress/{quarter}', {
          params: { sheetId, indicatorId, quarter: 1 },
          body: { value: 1 },
          headers: { 'if-match': 'version twelve' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('PUT /api/v1/sheets/{sheetId}/indicators/{indicatorId}/result', {
          params: { sheetId, indicatorId },
          body: { value: '128団体' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('PUT /api/v1/sheets/{sheetId}/indicators/{indicatorId}/result', {
          params: { sheetId, indicatorId: '00000000-0000-4000-8000-000000000000' },
          body: { value: 1 },
        })
      ).status,
    ).toBe(404);

    // Year end: evaluation date, evaluation, close and reopen.
    expect((await call('PUT /api/v1/sheets/{sheetId}/evaluation-date', { params: { sheetId }, body: { date: '2025-05-07' } })).status).toBe(
      200,
    );
    expect(
      (
        await call('PUT /api/v1/sheets/{sheetId}/goals/{goalId}/evaluation', {
          params: { sheetId, goalId },
          body: { rating: '○', reason: '目標を概ね達成' },
        })
      ).status,
    ).toBe(200);
    expect((await call('POST /api/v1/sheets/{sheetId}/close', { params: { sheetId } })).status).toBe(200);
    expect((await call('PATCH /api/v1/sheets/{sheetId}', { params: { sheetId }, body: { purpose: '閉じた後' } })).status).toBe(422);
    expect((await call('POST /api/v1/sheets/{sheetId}/reopen', { params: { sheetId }, body: { reason: '実績の訂正' } })).status).toBe(200);

    // Lists, history and audit.
    expect((await call('GET /api/v1/sheets', { query: { fiscalYear: '2024' } })).status).toBe(200);
    expect((await call('GET /api/v1/sheets', { query: { cursor: 'made-up' } })).status).toBe(400);
    const indicators = await call('GET /api/v1/indicators', { query: { unit: '地域課' } });
    expect(indicators.body.items).toEqual([expect.objectContaining({ orgUnit: '地域課', unit: '地域課', measurementUnit: '団体' })]);
    expect((await call('GET /api/v1/sheets/{sheetId}/events', { params: { sheetId } })).status).toBe(200);
    expect((await call('GET /api/v1/sheets/{sheetId}/audit', { params: { sheetId } })).status).toBe(200);
    const csv = await call('GET /api/v1/sheets/{sheetId}/audit', { params: { sheetId }, query: { format: 'csv' } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await call('GET /api/v1/sheets/{sheetId}/audit', { params: { sheetId: '00000000-0000-4000-8000-000000000000' } })).status).toBe(
      404,
    );
    expect((await call('GET /api/v1/audit/verify')).status).toBe(200);

    // Ward plans.
    const plan = await call('POST /api/v1/ward-plans', {
      body: { department: '西区', fiscalYear: 2024, priorityGoals: [{ no: 1, text: '地域の力' }] },
    });
    expect(plan.status).toBe(201);
    const wardPlanId: string = plan.body.wardPlanId;
    expect((await call('GET /api/v1/ward-plans', { query: { department: '西区' } })).status).toBe(200);
    const planRead = await call('GET /api/v1/ward-plans/{wardPlanId}', { params: { wardPlanId } });
    expect(
      (
        await call('GET /api/v1/ward-plans/{wardPlanId}', {
          params: { wardPlanId },
          headers: { 'if-none-match': planRead.headers.get('etag')! },
        })
      ).status,
    ).toBe(304);
    expect(
      (await call('GET /api/v1/ward-plans/{wardPlanId}', { params: { wardPlanId: '00000000-0000-4000-8000-000000000000' } })).status,
    ).toBe(404);
    expect(
      (
        await call('PUT /api/v1/ward-plans/{wardPlanId}/priority-goals', {
          params: { wardPlanId },
          body: { priorityGoals: [{ no: 1, text: '地域の力を高める' }] },
        })
      ).status,
    ).toBe(200);
    expect(
      (await call('PUT /api/v1/ward-plans/{wardPlanId}/evaluation', { params: { wardPlanId }, body: { achievedCount: 1 } })).status,
    ).toBe(200);

    // Summaries: no processor runs here, so the ward's summary is the empty one, never a 404.
    const summary = await call('GET /api/v1/summaries/wards/{department}/{fiscalYear}', {
      params: { department: '西区', fiscalYear: 2024 },
    });
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({ ward: '西区', fiscalYear: 2024, sheets: 0, updatedThrough: null });
    expect(
      (await call('GET /api/v1/summaries/wards/{department}/{fiscalYear}', { params: { department: '東区', fiscalYear: 2024 } })).status,
    ).toBe(404);
    expect(
      (await call('GET /api/v1/summaries/wards/{department}/{fiscalYear}', { params: { department: '西区', fiscalYear: '2024.5' } }))
        .status,
    ).toBe(400);
    expect((await call('GET /api/v1/summaries/fiscal-years/{fiscalYear}', { params: { fiscalYear: 2024 } })).status).toBe(200);

    // Documents: exports, and the workbook back in as a dry run.
    const workbook = await call('GET /api/v1/sheets/{sheetId}/export.xlsx', { params: { sheetId } });
    expect(workbook.status).toBe(200);
    expect((await call('GET /api/v1/sheets/{sheetId}/export.csv', { params: { sheetId } })).status).toBe(200);
    expect(
      (await call('GET /api/v1/sheets/{sheetId}/export.csv', { params: { sheetId: '00000000-0000-4000-8000-000000000000' } })).status,
    ).toBe(404);
    expect(
      (
        await call('GET /api/v1/summaries/wards/{department}/{fiscalYear}/export.xlsx', {
          params: { department: '西区', fiscalYear: 2024 },
        })
      ).status,
    ).toBe(200);
    expect(
      (await call('GET /api/v1/summaries/wards/{department}/{fiscalYear}/export.csv', { params: { department: '西区', fiscalYear: 2024 } }))
        .status,
    ).toBe(200);
    expect(
      (await call('GET /api/v1/summaries/wards/{department}/{fiscalYear}/export.csv', { params: { department: '北区', fiscalYear: 2024 } }))
        .status,
    ).toBe(404);
    await new ExcelJS.Workbook().xlsx.load(workbook.bytes as never);
    const upload = (bytes: Buffer) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes)]), 'export.xlsx');
      return form;
    };
    expect((await call('POST /api/v1/imports', { query: { dryRun: 'true' }, raw: upload(workbook.bytes) })).status).toBe(200);
    expect((await call('POST /api/v1/imports', { raw: upload(Buffer.from('not a workbook')) })).status).toBe(422);
    expect((await call('POST /api/v1/imports', { body: { file: 'x' } })).status).toBe(415);

    // Contacts and reminders.
    const contact = await call('POST /api/v1/contacts', {
      body: { department: '西区', unit: '地域課', name: '担当 一郎', role: '担当', email: 'ichiro@example.jp' },
    });
    expect(contact.status).toBe(201);
    const contactId: string = contact.body.contactId;
    expect(
      (
        await call('POST /api/v1/contacts', {
          body: { department: '西区', name: '区', role: 'coordinator', webhookUrl: 'http://127.0.0.1/hook' },
        })
      ).status,
    ).toBe(422);
    expect((await call('GET /api/v1/contacts')).status).toBe(200);
    expect((await call('GET /api/v1/contacts/{contactId}', { params: { contactId } })).status).toBe(200);
    expect((await call('PATCH /api/v1/contacts/{contactId}', { params: { contactId }, body: { name: '担当 二郎' } })).status).toBe(200);
    expect((await call('DELETE /api/v1/contacts/{contactId}', { params: { contactId } })).status).toBe(204);
    expect((await call('GET /api/v1/contacts/{contactId}', { params: { contactId } })).status).toBe(404);
    expect((await call('GET /api/v1/reminders', { query: { sheetId } })).status).toBe(200);

    // Reminder settings: read, change with If-Match, and each refusal a client can meet.
    const SETTINGS = '/api/v1/settings/reminders';
    const settings = await call(`GET ${SETTINGS}`);
    expect(settings.status).toBe(200);
    const readTag = settings.headers.get('etag')!;
    expect((await call(`GET ${SETTINGS}`, { headers: { 'if-none-match': readTag } })).status).toBe(304);
    const reason = '契約試験';
    expect((await call(`PATCH ${SETTINGS}`, { body: { addClosedDays: ['2026-12-28'], reason } })).status).toBe(428);
    const patched = await call(`PATCH ${SETTINGS}`, { body: { addClosedDays: ['2026-12-28'], reason }, headers: { 'if-match': readTag } });
    expect(patched.status).toBe(200);
    expect(
      (await call(`PATCH ${SETTINGS}`, { body: { addClosedDays: ['2026-12-29'], reason }, headers: { 'if-match': readTag } })).status,
    ).toBe(412);
    const changedTag = patched.headers.get('etag')!;
    expect(
      (await call(`PATCH ${SETTINGS}`, { body: { removeClosedDays: ['2026-12-30'], reason }, headers: { 'if-match': changedTag } })).status,
    ).toBe(422);
    const policy = { ...settings.body.policy, progress: { ...settings.body.policy.progress, businessDaysBefore: [5, 2] } };
    const replaced = await call(`PUT ${SETTINGS}`, {
      body: { policy, closedDays: ['2026-12-29'], reason },
      headers: { 'if-match': changedTag },
    });
    expect(replaced.status).toBe(200);
    expect((await call(`PUT ${SETTINGS}`, { body: { policy: settings.body.policy, closedDays: [], reason } })).status).toBe(428);
    expect((await call(`GET ${SETTINGS}/history`)).body.items.map((change: { type: string }) => change.type)).toEqual([
      'ClosedDaysChanged',
      'ReminderPolicyChanged',
      'ClosedDaysChanged',
    ]);

    // Over the rate limit (RATE_LIMIT_MAX=5 for issued tokens): 429 with Retry-After.
    let last = 0;
    for (let i = 0; i < 7 && last !== 429; i++) last = (await call('GET /api/v1/sheets', { token: viewer.body.token })).status;
    expect(last).toBe(429);

    expect(violations).toEqual([]);
    const unseen = contract.operations().filter((operation) => !contract.seen.has(operation));
    expect(unseen).toEqual([]);
  });
});
