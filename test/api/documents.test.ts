import ExcelJS from 'exceljs';
import { readWorkbook } from '@shinchoku/documents';
import { Json, startApi, TEST_TOKEN, TestApi } from '../support/api';
import { SEED_000, SEED_004, seedFile } from '../support/documents';

let api: TestApi;
beforeAll(async () => {
  api = await startApi({ IMPORT_MAX_BYTES: String(64 * 1024) });
});
afterAll(() => api.close());

const upload = async (name: string, content: Buffer, token = TEST_TOKEN) => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(content)]), name);
  const response = await fetch(`${api.url}/api/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Json };
};

const download = async (path: string) => {
  const response = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  return { status: response.status, headers: response.headers, content: Buffer.from(await response.arrayBuffer()) };
};

describe('POST /api/v1/imports', () => {
  it('imports a published document uploaded as multipart, and the same file again changes nothing', async () => {
    const first = await upload(SEED_000, seedFile(SEED_000));
    expect(first).toMatchObject({
      status: 201,
      body: { file: SEED_000, format: 'published-text', sheets: 10, goals: 36, indicators: 42, events: 130 },
    });
    expect(await upload(SEED_004, seedFile(SEED_004))).toMatchObject({ status: 201, body: { sheets: 3, wardPlans: 1, priorityGoals: 5 } });
    expect(await upload(SEED_000, seedFile(SEED_000))).toMatchObject({ status: 201, body: { commands: 0, events: 0 } });
    const listed = (await api.call('GET', '/api/v1/sheets?fiscalYear=2024&limit=100')).body.items;
    expect(listed).toHaveLength(10);
    const events = (await api.call('GET', `/api/v1/sheets/${listed[0].sheetId}/events`)).body.items;
    expect(events[0].metadata).toMatchObject({
      source: 'import',
      actor: { id: 'admin' },
      document: { name: SEED_000, sha256: first.body.sha256 },
    });
  });

  it('refuses a document it cannot read whole with 422 naming the line and the cell', async () => {
    const broken = Buffer.from(seedFile(SEED_004).toString('utf8').replace('R2.4.1', 'R2.4.31'));
    const reply = await upload('broken.txt', broken);
    expect(reply).toMatchObject({
      status: 422,
      type: expect.stringContaining('application/problem+json'),
      body: { code: 'UnreadableDocument', line: 38, cell: '2', errors: [{ path: 'body.file' }] },
    });
    expect(reply.body.detail).toMatch(/^broken\.txt: line 38, cell 2: 作成日 "R2\.4\.31" is not a date/);
  });

  it('refuses a file over IMPORT_MAX_BYTES with 413 while it streams in', async () => {
    const reply = await upload('huge.txt', Buffer.alloc(200 * 1024, 'あ'));
    expect(reply).toMatchObject({ status: 413, type: expect.stringContaining('application/problem+json'), body: { code: 'FileTooLarge' } });
  });

  it('wants multipart (415), a token (401) and a file that is a document (415)', async () => {
    expect(await api.call('POST', '/api/v1/imports', { file: 'x' })).toMatchObject({ status: 415, body: { code: 'UnsupportedMediaType' } });
    expect(await upload(SEED_000, seedFile(SEED_000), 'wrong-token-0123456789')).toMatchObject({ status: 401 });
    expect(await upload('photo.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x80, 0x81]))).toMatchObject({
      status: 415,
      body: { code: 'UnsupportedDocument' },
    });
  });
});

describe('the OpenAPI document', () => {
  it('describes the upload as multipart with a file and the exports as files', async () => {
    const document = (await (await fetch(`${api.url}/docs-json`)).json()) as { paths: Record<string, Json> };
    expect(document.paths['/api/v1/imports'].post.requestBody.content['multipart/form-data'].schema).toMatchObject({
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' } },
    });
    expect(document.paths['/api/v1/summaries/wards/{department}/{fiscalYear}/export.xlsx'].get).toBeDefined();
    expect(document.paths['/api/v1/sheets/{sheetId}/export.csv'].get).toBeDefined();
  });
});

describe('exports', () => {
  it('GET /sheets/{id}/export.xlsx: one sheet in the 組織目標管理シート layout', async () => {
    const [sheet] = (await api.call('GET', '/api/v1/sheets?fiscalYear=2024&unit=地域課')).body.items;
    const reply = await download(`/api/v1/sheets/${sheet.sheetId}/export.xlsx`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(reply.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('令和6年度_西区_地域課.xlsx')}`);
    const draft = await readWorkbook(reply.content);
    expect(draft.sheets.map((s) => [s.sheetId, s.unit, s.goals.length])).toEqual([[sheet.sheetId, '地域課', 5]]);
    expect(await upload('地域課.xlsx', reply.content)).toMatchObject({ status: 201, body: { format: 'xlsx', sheets: 1, events: 0 } });
    expect((await download('/api/v1/sheets/00000000-0000-4000-8000-000000000000/export.xlsx')).status).toBe(404);
  });

  it('GET /summaries/wards/{department}/{fiscalYear}/export.xlsx: one worksheet per unit plus the ward page', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      (await download(`/api/v1/summaries/wards/${encodeURIComponent('東区')}/2020/export.xlsx`)).content as unknown as ExcelJS.Buffer,
    );
    const names = workbook.worksheets.map((ws) => ws.name);
    expect(names[0]).toBe('東区組織目標');
    expect(names.slice(1).sort()).toEqual(['健康福祉課', '地域課', '総務課'].sort());
    expect(workbook.getWorksheet('健康福祉課')!.getCell('A1').value).toBe('組織目標管理シート');
    expect(workbook.getWorksheet('健康福祉課')!.getCell('B2').value).toBe('令和2年度');
    expect(workbook.getWorksheet('健康福祉課')!.getCell('D2').value).toBe('令和2年4月1日');
    expect((await download(`/api/v1/summaries/wards/${encodeURIComponent('北区')}/2020/export.xlsx`)).status).toBe(404);
  });

  it('CSV of indicators with quarterly progress, result and rating, UTF-8 with BOM', async () => {
    const [sheet] = (await api.call('GET', '/api/v1/sheets?fiscalYear=2024&unit=地域課')).body.items;
    await api.call(
      'PUT',
      `/api/v1/sheets/${sheet.sheetId}/indicators/${(await api.call('GET', `/api/v1/sheets/${sheet.sheetId}`)).body.goals[0].indicators[0].indicatorId}/progress/1`,
      { value: '48', note: 'フォロワー向け企画を含む' },
    );
    const reply = await download(`/api/v1/sheets/${sheet.sheetId}/export.csv`);
    expect(reply.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = reply.content.toString('utf8');
    expect(
      text.startsWith(
        '\uFEFF年度,組織名(部),組織名(課),No.,組織目標,取組指標,単位,目標,記入方法,第1四半期,第2四半期,第3四半期,第4四半期,結果,達成状況,進捗状態,評価,評価の目安,記録の備考\r\n',
      ),
    ).toBe(true);
    const lines = text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 7);
    expect(lines[1]).toMatch(
      /^令和6年度,西区,地域課,1,西区の魅力を.*,SNSによる情報発信件数,件,190,累計,48,,,,,,onTrack,,,第1四半期: フォロワー向け企画を含む$/,
    );
    const ward = (await download(`/api/v1/summaries/wards/${encodeURIComponent('西区')}/2024/export.csv`)).content.toString('utf8');
    expect(ward.trimEnd().split('\r\n')).toHaveLength(1 + 42);
  });
});
