import { startApi, TestApi } from '../support/api';
import { enterSheet, indicatorsOf } from '../support/seed-entry';
import { 西区地域課, 東区WardPlan, 東区健康福祉課 } from '../fixtures/seed-sheets';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const sheetOf = (sheetId: string) => api.call('GET', `/api/v1/sheets/${sheetId}`);

describe('a whole year of 西区 地域課 (seed 000) over HTTP', () => {
  it('plans, tracks each quarter, records results, evaluates and closes', async () => {
    api.clock.set('2024-04-01T10:00:00+09:00');
    const entered = await enterSheet(api, 西区地域課);
    const { sheetId, goals } = entered;
    const planned = await sheetOf(sheetId);
    // 1 SheetCreated + 5 GoalAdded + 7 × (IndicatorDefined + TargetSet)
    expect(planned.body).toMatchObject({ status: 'draft', fiscalYearLabel: '令和6年度', version: 20 });
    expect(planned.headers.get('etag')).toBe('"20"');
    expect(planned.body.amendedOn).toBeUndefined();

    // Quarterly progress, each entered shortly after its quarter closes.
    const quarterEnds = ['2024-07-05', '2024-10-04', '2025-01-08', '2025-04-07'];
    for (const [q, day] of quarterEnds.entries()) {
      api.clock.set(`${day}T10:00:00+09:00`);
      for (const { indicator, indicatorId } of indicatorsOf(西区地域課, entered)) {
        const response = await api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/${q + 1}`, {
          value: indicator.progress![q],
        });
        expect(response.status).toBe(200);
        // Every command answer carries its version as the ETag, ready to come back as If-Match.
        expect(response.headers.get('etag')).toBe(`"${response.body.version}"`);
      }
    }
    api.clock.set('2025-04-15T10:00:00+09:00');
    for (const { indicator, indicatorId } of indicatorsOf(西区地域課, entered)) {
      expect(
        (await api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/result`, { value: indicator.result })).status,
      ).toBe(200);
    }
    expect((await api.call('PUT', `/api/v1/sheets/${sheetId}/evaluation-date`, { date: '2025-05-07' })).status).toBe(200);

    const tracked = (await sheetOf(sheetId)).body;
    expect(tracked.status).toBe('active');
    expect(tracked.evaluationDate).toBe('2025-05-07');
    expect(tracked.goals.map((g: { suggestedRating: string }) => g.suggestedRating)).toEqual(['△', '×', '○', '×', '○']);
    expect(tracked.goals[2].indicators[0]).toMatchObject({
      target: { kind: 'numeric', comparator: 'gte', value: 497000, text: '497,000' },
      progress: { 1: { value: { text: '131,200', value: 131200 } }, 4: { value: { text: '112,300', value: 112300 } } },
      result: { value: { text: '502,850', value: 502850 } },
      achievement: { status: 'met' },
    });

    api.clock.set('2025-05-07T10:00:00+09:00');
    const ratings = ['△', '×', '○', '△', '○'];
    for (const [g, rating] of ratings.entries()) {
      const body = { rating, status: `目標${g + 1}の達成状況`, policy: '引き続き取り組みます。' };
      const response = await api.call('PUT', `/api/v1/sheets/${sheetId}/goals/${goals[g]!.goalId}/evaluation`, body);
      if (g === 3) {
        // 佐潟: the count fell short, but the people judge it partly achieved: they must say why.
        expect(response).toMatchObject({ status: 422, body: { code: 'ReasonRequired', errors: [{ path: 'body.reason' }] } });
        const withReason = { ...body, reason: '来館者数は目標に届かなかったが、湿地保全の取組は計画どおり実施した' };
        expect((await api.call('PUT', `/api/v1/sheets/${sheetId}/goals/${goals[g]!.goalId}/evaluation`, withReason)).status).toBe(200);
      } else {
        expect(response.status).toBe(200);
      }
    }
    const closed = await api.call('POST', `/api/v1/sheets/${sheetId}/close`);
    expect(closed.status).toBe(200);

    const final = (await sheetOf(sheetId)).body;
    expect(final.status).toBe('closed');
    expect(final.goals.map((g: { evaluation: { rating: string } }) => g.evaluation.rating)).toEqual(ratings);
    expect(final.goals[3].evaluation).toMatchObject({
      suggestedRating: '×',
      reason: expect.stringContaining('湿地保全'),
      evaluatedOn: '2025-05-07',
    });

    const events = (await api.call('GET', `/api/v1/sheets/${sheetId}/events`)).body.items;
    expect(events).toHaveLength(final.version);
    expect(events.map((e: { version: number }) => e.version)).toEqual(Array.from({ length: final.version }, (_, i) => i + 1));
    const counts = events.reduce((acc: Record<string, number>, e: { type: string }) => ({ ...acc, [e.type]: (acc[e.type] ?? 0) + 1 }), {});
    expect(counts).toEqual({
      SheetCreated: 1,
      GoalAdded: 5,
      IndicatorDefined: 7,
      TargetSet: 7,
      SheetActivated: 1,
      ProgressRecorded: 28,
      ResultRecorded: 7,
      EvaluationDateSet: 1,
      GoalEvaluated: 5,
      SheetClosed: 1,
    });
    expect(events[0].metadata).toMatchObject({ actor: { id: 'admin' }, source: 'api' });

    // Closed means closed: no more progress, until someone reopens it with a reason.
    const late = await api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${goals[0]!.indicatorIds[0]}/progress/4`, { value: '45' });
    expect(late).toMatchObject({ status: 422, body: { code: 'SheetClosed' } });
    expect((await api.call('POST', `/api/v1/sheets/${sheetId}/reopen`, { reason: '' })).status).toBe(400);
    const reopened = await api.call('POST', `/api/v1/sheets/${sheetId}/reopen`, { reason: '第4四半期の件数に誤りがあったため' });
    expect(reopened.status).toBe(200);
    const corrected = await api.call('PUT', `/api/v1/sheets/${sheetId}/indicators/${goals[0]!.indicatorIds[0]}/progress/4`, {
      value: '45',
      reason: '集計漏れ1件',
    });
    expect(corrected.status).toBe(200);
    const lastEvent = (await api.call('GET', `/api/v1/sheets/${sheetId}/events`)).body.items.at(-1);
    expect(lastEvent).toMatchObject({
      type: 'ProgressCorrected',
      data: { quarter: 4, value: { text: '45', value: 45 }, previous: { value: { text: '44', value: 44 } }, reason: '集計漏れ1件' },
      metadata: { reason: '集計漏れ1件' },
    });
  });
});

describe('東区 健康福祉課 (seed 004) with its ward plan', () => {
  it('keeps baselines H29–R1 and links goals to the ward 重点目標', async () => {
    api.clock.set('2020-04-01T10:00:00+09:00');
    const plan = await api.call('POST', '/api/v1/ward-plans', 東区WardPlan);
    expect(plan).toMatchObject({ status: 201, body: { wardPlanId: expect.any(String), version: 1 } });
    const { sheetId } = await enterSheet(api, 東区健康福祉課);

    const sheet = (await sheetOf(sheetId)).body;
    // Entered as 東区役所 (as the document says), filed under the department's one name.
    expect(sheet).toMatchObject({ fiscalYearLabel: '令和2年度', department: '東区', unit: '健康福祉課', contact: '025-250-2380' });
    expect(sheet.goals.map((g: { priorityGoalNo?: number }) => g.priorityGoalNo ?? null)).toEqual([2, 3, null, null, null]);
    expect(sheet.goals.flatMap((g: { indicators: unknown[] }) => g.indicators)).toHaveLength(8);
    expect(sheet.goals[2].indicators[0]).toMatchObject({
      name: '主な子育て支援講座の開催',
      unit: '回',
      measure: 'cumulative',
      baselines: [
        { fiscalYear: 2017, actual: { text: '204', value: 204 } },
        { fiscalYear: 2018, actual: { text: '90', value: 90 } },
        { fiscalYear: 2019, actual: { text: '91', value: 91 } },
      ],
      target: { kind: 'numeric', value: 100 },
    });
    expect(sheet.goals[0].indicators[0].target).toMatchObject({ kind: 'coverage' });

    const ward = (await api.call('GET', `/api/v1/ward-plans/${plan.body.wardPlanId}`)).body;
    expect(ward).toMatchObject({ department: '東区', fiscalYearLabel: '令和2年度', headName: '石井 哲也', version: 1 });
    const linked = new Set(sheet.goals.map((g: { priorityGoalNo?: number }) => g.priorityGoalNo).filter(Boolean));
    for (const no of linked) expect(ward.priorityGoals.map((p: { no: number }) => p.no)).toContain(no);

    const evaluated = await api.call('PUT', `/api/v1/ward-plans/${plan.body.wardPlanId}/evaluation`, {
      achievedCount: 4,
      direction: '引き続き協働によるまちづくりを推進',
    });
    expect(evaluated).toMatchObject({ status: 200, body: { version: 2 } });
    const tooMany = await api.call('PUT', `/api/v1/ward-plans/${plan.body.wardPlanId}/evaluation`, { achievedCount: 6 });
    expect(tooMany).toMatchObject({ status: 422, body: { code: 'AchievedCountTooHigh', errors: [{ path: 'body.achievedCount' }] } });
    const duplicate = await api.call('POST', '/api/v1/ward-plans', 東区WardPlan);
    expect(duplicate).toMatchObject({ status: 422, body: { code: 'WardPlanAlreadyExists' } });

    const listed = (await api.call('GET', '/api/v1/sheets?fiscalYear=2020&department=東区役所')).body.items;
    expect(listed).toEqual([expect.objectContaining({ sheetId, unit: '健康福祉課', status: 'draft', goals: 5, evaluated: 0 })]);
  });
});
