import { sql } from 'kysely';
import { startApi, TestApi, TEST_TOKEN } from '../support/api';
import { enterSheet, indicatorsOf } from '../support/seed-entry';
import { 西区地域課 } from '../fixtures/seed-sheets';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

describe('the sheet as of any moment', () => {
  it('shows, at every version, exactly what the API showed right after that command', async () => {
    const shown = new Map<number, unknown>();
    let sheetId = '';
    const remember = async (reply: { body: { sheetId?: string } }) => {
      sheetId ||= reply.body.sheetId!;
      const current = (await api.call('GET', `/api/v1/sheets/${sheetId}`)).body;
      shown.set(current.version, current);
    };
    const entered = await enterSheet(api, 西区地域課, remember);
    for (const { indicator, indicatorId } of indicatorsOf(西区地域課, entered)) {
      await remember(
        await api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/1`, { value: indicator.progress![0] }),
      );
    }
    const [first] = entered.goals;
    await remember(
      await api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${first!.indicatorIds[0]}/progress/1`, { value: '49', reason: '訂正' }),
    );
    await remember(await api.call('PUT', `/api/v1/sheets/${sheetId}/evaluation-date`, { date: '2025-05-07' }));

    const events = (await api.call('GET', `/api/v1/sheets/${sheetId}/events`)).body.items as Array<{ version: number; recordedAt: string }>;
    const latest = events.at(-1)!.version;
    for (const [version, body] of shown) {
      const byVersion = await api.call('GET', `/api/v1/sheets/${sheetId}?version=${version}`);
      expect({ ...byVersion.body, asOf: undefined }).toEqual({ ...(body as object), asOf: undefined });
      const at = events.find((e) => e.version === version)!.recordedAt;
      const byTime = await api.call('GET', `/api/v1/sheets/${sheetId}?asOf=${encodeURIComponent(at)}`);
      expect(byTime.body.version).toBeGreaterThanOrEqual(version);
      // Every event of one command shares its time: as of that time, the command is complete.
      expect(byTime.body.version).toBeLessThanOrEqual(Math.max(...events.filter((e) => e.recordedAt === at).map((e) => e.version)));
    }
    expect(shown.size).toBeGreaterThan(20);
    expect(Math.max(...shown.keys())).toBe(latest);
  });

  it('answers 404 with a reason for a moment before the sheet existed, and for a version it never had', async () => {
    const { sheetId } = await api.smallSheet('総務課', '防災意識の向上', { name: '被害想定など避難に関する情報の再周知', target: '実施' });
    const before = await api.call('GET', `/api/v1/sheets/${sheetId}?asOf=2020-01-01T00:00:00Z`);
    expect(before).toMatchObject({
      status: 404,
      body: { code: 'SheetNotYetCreated', detail: expect.stringContaining('did not exist yet') },
    });
    const beyond = await api.call('GET', `/api/v1/sheets/${sheetId}?version=99`);
    expect(beyond).toMatchObject({ status: 404, body: { code: 'VersionNotFound', detail: expect.stringContaining('its latest is 4') } });
    const both = await api.call('GET', `/api/v1/sheets/${sheetId}?version=1&asOf=2024-01-01T00:00:00Z`);
    expect(both).toMatchObject({ status: 400, body: { code: 'InvalidRequest' } });
    const badTime = await api.call('GET', `/api/v1/sheets/${sheetId}?asOf=yesterday`);
    expect(badTime).toMatchObject({ status: 400, body: { errors: [{ path: 'query.asOf' }] } });
  });
});

describe('audit verification over HTTP', () => {
  it('reports ok with counts, then names the first broken event after tampering', async () => {
    const { sheetId } = await api.smallSheet('農政商工課', '西区特産農産物の認知度向上', { name: 'フォロワー数', target: '32,000' });
    const clean = await api.call('GET', '/api/v1/audit/verify');
    expect(clean).toMatchObject({ status: 200, body: { ok: true, broken: [], streams: expect.any(Number), events: expect.any(Number) } });
    expect(clean.body.events).toBeGreaterThanOrEqual(4);

    await api.database.db.connection().execute(async (session) => {
      await sql`SET session_replication_role = replica`.execute(session);
      await sql`UPDATE events SET data = jsonb_set(data, '{text}', '"改ざん"') WHERE stream_id = ${`sheet-${sheetId}`} AND stream_version = 2`.execute(
        session,
      );
    });
    const tampered = await api.call('GET', '/api/v1/audit/verify');
    expect(tampered.body).toMatchObject({ ok: false, broken: [{ streamId: `sheet-${sheetId}`, version: 2, problem: 'contentChanged' }] });
  });
});

describe('the audit trail in human terms', () => {
  it('answers one entry per command with what changed, and the same as CSV', async () => {
    const { sheetId, indicatorId } = await api.smallSheet('西出張所', '西区の魅力を発信します。', {
      name: 'SNSによる情報発信件数',
      target: '190',
    });
    api.clock.set('2024-10-04T10:00:00+09:00');
    await api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/2`, { value: '48' });
    const corrected = await api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/2`, {
      value: '52',
      reason: '集計漏れ4件',
    });
    expect(corrected.body).toMatchObject({ version: 7 });

    const trail = (await api.call('GET', `/api/v1/sheets/${sheetId}/audit`)).body.items;
    expect(trail.map((e: { command: string }) => e.command)).toEqual([
      'CreateSheet',
      'AddGoal',
      'DefineIndicator',
      'RecordProgress',
      'RecordProgress',
    ]);
    expect(trail.at(-1)).toMatchObject({
      version: 7,
      actor: { id: 'admin', name: 'Administrator (bootstrap token)' },
      command: 'RecordProgress',
      events: ['ProgressCorrected'],
      reason: '集計漏れ4件',
      source: 'api',
      changes: [{ path: 'goals[1].indicators[SNSによる情報発信件数].progress.Q2', before: '48', after: '52' }],
    });
    expect(trail[3].events).toEqual(['SheetActivated', 'ProgressRecorded']);

    const csv = await fetch(`${api.url}/api/v1/sheets/${sheetId}/audit?format=csv`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('version,at,actor_id,actor,command,reason,source,path,before,after');
    expect(lines.at(-1)).toBe(
      `7,${trail.at(-1).at},admin,Administrator (bootstrap token),RecordProgress,集計漏れ4件,api,goals[1].indicators[SNSによる情報発信件数].progress.Q2,48,52`,
    );

    const byOther = (await api.call('GET', `/api/v1/sheets/${sheetId}/audit?actor=someone-else`)).body.items;
    expect(byOther).toEqual([]);
    const since = (await api.call('GET', `/api/v1/sheets/${sheetId}/audit?from=${encodeURIComponent(trail.at(-1).at)}`)).body.items;
    expect(since.map((e: { version: number }) => e.version)).toEqual([7]);
  });
});
