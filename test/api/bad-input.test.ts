import { randomUUID } from 'node:crypto';
import { Json, startApi, TestApi, TEST_TOKEN } from '../support/api';

let api: TestApi;
let sheetId: string;
let goalId: string;
let indicatorId: string;

beforeAll(async () => {
  api = await startApi();
  ({ sheetId, goalId, indicatorId } = await api.smallSheet('区民生活課', '西区の環境美化を推進します。', {
    name: 'ボランティア清掃等の参加団体数',
    target: '530団体以上',
  }));
});
afterAll(() => api.close());

const eventCount = async () => (await api.call('GET', `/api/v1/sheets/${sheetId}/events`)).body.items.length;
const megabyte = 'あ'.repeat(350_000); // ~1 MB of UTF-8

interface Case {
  name: string;
  method: string;
  path: () => string;
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
  path_?: string;
}

const cases: Case[] = [
  {
    name: 'a number where text is expected',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/target`,
    body: { text: 530 },
    status: 400,
    code: 'InvalidRequest',
    path_: 'body.text',
  },
  {
    name: 'a string where a number is expected',
    method: 'POST',
    path: () => '/api/v1/sheets',
    body: { fiscalYear: '2024', department: '西区', unit: 'x' },
    status: 400,
    code: 'InvalidRequest',
    path_: 'body.fiscalYear',
  },
  {
    name: 'an unknown field',
    method: 'PATCH',
    path: () => `/api/v1/sheets/${sheetId}`,
    body: { purpos: 'typo' },
    status: 400,
    code: 'InvalidRequest',
    path_: 'body',
  },
  {
    name: 'a revision that changes nothing named',
    method: 'PATCH',
    path: () => `/api/v1/sheets/${sheetId}`,
    body: {},
    status: 400,
    code: 'InvalidRequest',
    path_: 'body',
  },
  {
    name: 'quarter 0',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/0`,
    body: { value: 1 },
    status: 400,
    code: 'InvalidRequest',
    path_: 'params.quarter',
  },
  {
    name: 'quarter 5',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/5`,
    body: { value: 1 },
    status: 400,
    code: 'InvalidRequest',
    path_: 'params.quarter',
  },
  {
    name: 'a quarter that is not a number',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/Q2`,
    body: { value: 1 },
    status: 400,
    code: 'InvalidRequest',
    path_: 'params.quarter',
  },
  {
    name: 'an unknown indicator',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/indicators/${randomUUID()}/progress/1`,
    body: { value: 1 },
    status: 404,
    code: 'IndicatorNotFound',
  },
  {
    name: 'an unknown goal',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/goals/${randomUUID()}/evaluation`,
    body: { rating: '○' },
    status: 404,
    code: 'GoalNotFound',
  },
  { name: 'an unknown sheet', method: 'GET', path: () => `/api/v1/sheets/${randomUUID()}`, status: 404, code: 'SheetNotFound' },
  {
    name: 'a command on an unknown sheet',
    method: 'PUT',
    path: () => `/api/v1/sheets/${randomUUID()}/evaluation-date`,
    body: { date: '2025-05-07' },
    status: 404,
    code: 'SheetNotFound',
  },
  {
    name: 'an id that is not a UUID',
    method: 'GET',
    path: () => '/api/v1/sheets/not-a-uuid',
    status: 400,
    code: 'InvalidRequest',
    path_: 'params.sheetId',
  },
  {
    name: 'invalid JSON',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/target`,
    body: '{"text": "530',
    status: 400,
    code: 'InvalidJson',
  },
  {
    name: 'a body that is not an object',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/target`,
    body: '"530"',
    status: 400,
    code: 'InvalidRequest',
    path_: 'body',
  },
  {
    name: 'the wrong content type',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/target`,
    body: 'text=530',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    code: 'UnsupportedMediaType',
  },
  {
    name: 'form encoding',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/target`,
    body: 'text=530',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'UnsupportedMediaType',
  },
  {
    name: 'a 1 MB string',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/target`,
    body: { text: megabyte },
    status: 413,
    code: 'BodyTooLarge',
  },
  {
    name: 'a string over the field limit',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/target`,
    body: { text: 'あ'.repeat(2_001) },
    status: 400,
    code: 'InvalidRequest',
    path_: 'body.text',
  },
  {
    name: 'a blank target',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/target`,
    body: { text: '   ' },
    status: 400,
    code: 'InvalidRequest',
    path_: 'body.text',
  },
  {
    name: 'a rating other than ○△×',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/goals/${goalId}/evaluation`,
    body: { rating: 'A' },
    status: 400,
    code: 'InvalidRequest',
    path_: 'body.rating',
  },
  {
    name: 'a rating written as o',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/goals/${goalId}/evaluation`,
    body: { rating: 'o' },
    status: 400,
    code: 'InvalidRequest',
    path_: 'body.rating',
  },
  {
    name: 'the date 2024-02-30',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/evaluation-date`,
    body: { date: '2024-02-30' },
    status: 400,
    code: 'InvalidRequest',
    path_: 'body.date',
  },
  {
    name: 'a date in another format',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/evaluation-date`,
    body: { date: 'R7.5.7' },
    status: 400,
    code: 'InvalidRequest',
    path_: 'body.date',
  },
  {
    name: 'an evaluation date outside the window',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/evaluation-date`,
    body: { date: '2026-04-01' },
    status: 422,
    code: 'EvaluationDateOutsideWindow',
    path_: 'body.date',
  },
  {
    name: 'closing with goals not evaluated',
    method: 'POST',
    path: () => `/api/v1/sheets/${sheetId}/close`,
    status: 422,
    code: 'GoalsNotEvaluated',
  },
  {
    name: 'reopening an open sheet',
    method: 'POST',
    path: () => `/api/v1/sheets/${sheetId}/reopen`,
    body: { reason: '誤り' },
    status: 422,
    code: 'SheetNotClosed',
  },
  {
    name: 'a duplicate goal number',
    method: 'POST',
    path: () => `/api/v1/sheets/${sheetId}/goals`,
    body: { no: 1, text: '重複' },
    status: 422,
    code: 'GoalNumberTaken',
    path_: 'body.no',
  },
  {
    name: 'a stale If-Match',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/1`,
    body: { value: 1 },
    headers: { 'if-match': '"1"' },
    status: 412,
    code: 'VersionMismatch',
  },
  {
    name: 'a malformed If-Match',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/1`,
    body: { value: 1 },
    headers: { 'if-match': 'latest' },
    status: 400,
    code: 'InvalidHeader',
    path_: 'header.if-match',
  },
  {
    name: 'a malformed Idempotency-Key',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/1`,
    body: { value: 1 },
    headers: { 'idempotency-key': 'key with spaces' },
    status: 400,
    code: 'InvalidHeader',
    path_: 'header.idempotency-key',
  },
  {
    name: 'no token',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/1`,
    body: { value: 1 },
    headers: { authorization: '' },
    status: 401,
    code: 'Unauthenticated',
  },
  {
    name: 'a wrong token',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/1`,
    body: { value: 1 },
    headers: { authorization: `Bearer ${TEST_TOKEN}x` },
    status: 401,
    code: 'Unauthenticated',
  },
  {
    name: 'a token without the Bearer scheme',
    method: 'PUT',
    path: () => `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/1`,
    body: { value: 1 },
    headers: { authorization: TEST_TOKEN },
    status: 401,
    code: 'Unauthenticated',
  },
  { name: 'an unknown route', method: 'GET', path: () => '/api/v1/sheetz', status: 404, code: 'RouteNotFound' },
];

describe('bad input', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s → problem, nothing appended', async (_name, c) => {
    const before = await eventCount();
    const reply = await api.call(c.method, c.path(), c.body, c.headers);
    expect(reply.status).toBe(c.status);
    expect(reply.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(reply.body).toMatchObject({
      status: c.status,
      code: c.code,
      type: `urn:shinchoku:problem:${c.code}`,
      detail: expect.any(String),
    });
    if (c.path_)
      expect(reply.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: c.path_, message: expect.any(String) })]));
    expect(await eventCount()).toBe(before);
  });

  it('lets /health through without a token and says nothing secret in a 401', async () => {
    const health = await fetch(`${api.url}/health`);
    expect(health.status).toBe(200);
    const denied = await api.call('GET', '/api/v1/sheets', undefined, { authorization: 'Bearer wrong' });
    expect(denied.headers.get('www-authenticate')).toBe('Bearer realm="shinchoku"');
    expect(JSON.stringify(denied.body)).not.toContain(TEST_TOKEN);
  });

  it('serves the OpenAPI document, generated from the request schemas', async () => {
    const document = (await (await fetch(`${api.url}/docs-json`)).json()) as { paths: Record<string, Json> };
    const progress = document.paths['/api/v1/sheets/{sheetId}/indicators/{indicatorId}/progress/{quarter}'].put;
    expect(progress.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      properties: { value: expect.any(Object), note: expect.any(Object), reason: expect.any(Object) },
    });
    expect((await fetch(`${api.url}/docs`)).status).toBe(200);
  });
});
