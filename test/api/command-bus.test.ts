import { EventBus } from '@nestjs/cqrs';
import { CommandSettled } from '@shinchoku/sheets';
import { startApi, type SmallSheet, type TestApi } from '../support/api';

/**
 * A write over HTTP goes controller → CommandBus → its handler → the runner, and its settling is
 * published on the EventBus before the answer: what the metrics and the sheet view cache hear.
 */
let api: TestApi;
let sheet: SmallSheet;
let settled: CommandSettled[];

beforeAll(async () => {
  api = await startApi();
  sheet = await api.smallSheet('地域課', '魅力を発信します。', { name: 'SNS発信件数', target: '190件' });
  api.app.get(EventBus).subscribe((event) => event instanceof CommandSettled && settled.push(event));
});
afterAll(() => api.close());
beforeEach(() => (settled = []));

async function commandCount(command: string, outcome: string): Promise<number> {
  const text = await (await fetch(`${api.url}/metrics`)).text();
  const line = new RegExp(
    `^shinchoku_command_duration_seconds_count\\{aggregate="sheet",command="${command}",outcome="${outcome}"\\} (\\d+)`,
    'm',
  );
  return Number(line.exec(text)?.[1] ?? 0);
}

const progress = (value: number, headers: Record<string, string> = {}, indicatorId = sheet.indicatorId) =>
  api.call('PUT', `/api/v1/sheets/${sheet.sheetId}/indicators/${indicatorId}/progress/1`, { value }, headers);

describe('a command over HTTP', () => {
  it('is published with the events it appended before it is answered, and counted as applied', async () => {
    const before = await commandCount('RecordProgress', 'applied');
    const reply = await progress(40);
    expect(reply.status).toBe(200);
    expect(settled).toHaveLength(1);
    expect(settled[0]).toMatchObject({ aggregate: 'sheet', id: sheet.sheetId, command: 'RecordProgress', outcome: 'applied' });
    expect(settled[0]!.events.map((event) => event.type)).toEqual(['SheetActivated', 'ProgressRecorded']);
    expect(await commandCount('RecordProgress', 'applied')).toBe(before + 1);
  });

  it('is counted as rejected when the domain refuses it, and answers the rule as a problem', async () => {
    const before = await commandCount('RecordProgress', 'rejected');
    const reply = await progress(1, {}, '00000000-0000-4000-8000-000000000000');
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ code: 'IndicatorNotFound' });
    expect(settled).toMatchObject([{ outcome: 'rejected', events: [] }]);
    expect(await commandCount('RecordProgress', 'rejected')).toBe(before + 1);
  });

  it('is counted as a conflict on a stale If-Match, answered 412 with the current ETag', async () => {
    const current = await api.call('GET', `/api/v1/sheets/${sheet.sheetId}`);
    const version = current.body.version as number;
    const before = await commandCount('RecordProgress', 'conflict');
    const reply = await progress(2, { 'if-match': `"${version - 1}"` });
    expect(reply.status).toBe(412);
    expect(reply.headers.get('etag')).toBe(`"${version}"`);
    expect(reply.body).toMatchObject({ code: 'VersionMismatch', expectedVersion: version - 1, actualVersion: version });
    expect(await commandCount('RecordProgress', 'conflict')).toBe(before + 1);
  });
});
