import { formatGrant, type Permission, type Role } from '@shinchoku/access';
import { startApi, TestApi } from '../support/api';
import { callAs, eventCount, issueToken, ok, WEST_CHIIKI_GRANTS } from '../support/access';

/**
 * Every role × every command × (own unit / another unit of the same 区 / another 区), over HTTP.
 * The people belong to 西区 地域課 (the coordinator to all of 西区).
 */
const TARGETS = {
  own: { department: '西区', unit: '地域課' },
  unit: { department: '西区', unit: '保護課' },
  dept: { department: '東区', unit: '地域課' },
};
type Target = keyof typeof TARGETS;
const ALL: Target[] = ['own', 'unit', 'dept'];
const WARD: Target[] = ['own', 'unit'];
const OWN: Target[] = ['own'];

const GRANTS = WEST_CHIIKI_GRANTS;
const ROLES = Object.keys(GRANTS) as Role[];

const READ = { viewer: OWN, editor: OWN, evaluator: OWN, coordinator: WARD, auditor: ALL, admin: ALL };
const EDIT = { editor: OWN, coordinator: WARD, admin: ALL };
const DEPARTMENT = { coordinator: WARD, admin: ALL };
const EVALUATE = { evaluator: OWN, admin: ALL };

interface Fixture {
  year: number;
  department: string;
  unit: string;
  sheetId: string;
  goalId: string;
  spareGoalId: string;
  indicatorId: string;
  wardPlanId: string;
}

interface Case {
  command: string;
  permission: Permission;
  who: Partial<Record<Role, Target[]>>;
  status: number;
  /** What the admin does first, so the command can succeed whether or not earlier ones were allowed. */
  prepare?: (f: Fixture) => Promise<void>;
  request: (f: Fixture) => [string, string, unknown?];
}

let api: TestApi;
const sheet = (f: Fixture, rest = '') => `/api/v1/sheets/${f.sheetId}${rest}`;

async function evaluateEveryGoal(f: Fixture) {
  const { goals } = await ok(api.call('GET', sheet(f)));
  for (const goal of goals as Array<{ goalId: string; evaluation?: unknown }>) {
    if (!goal.evaluation) await ok(api.call('PUT', sheet(f, `/goals/${goal.goalId}/evaluation`), { rating: '○', reason: 'setup' }));
  }
}

const CASES: Case[] = [
  { command: 'GetSheet', permission: 'read', who: READ, status: 200, request: (f) => ['GET', sheet(f)] },
  { command: 'GetSheetAsOf', permission: 'read', who: READ, status: 200, request: (f) => ['GET', sheet(f, '?version=1')] },
  { command: 'Audit', permission: 'read', who: READ, status: 200, request: (f) => ['GET', sheet(f, '/audit')] },
  { command: 'Events', permission: 'read', who: READ, status: 200, request: (f) => ['GET', sheet(f, '/events')] },
  {
    command: 'ReviseSheet',
    permission: 'sheet.edit',
    who: EDIT,
    status: 200,
    request: (f) => ['PATCH', sheet(f), { purpose: '地域の力' }],
  },
  {
    command: 'AddGoal',
    permission: 'sheet.edit',
    who: EDIT,
    status: 201,
    request: (f) => ['POST', sheet(f, '/goals'), { text: '新しい目標' }],
  },
  {
    command: 'ReviseGoal',
    permission: 'sheet.edit',
    who: EDIT,
    status: 200,
    request: (f) => ['PATCH', sheet(f, `/goals/${f.goalId}`), { text: '改めた目標' }],
  },
  {
    command: 'RemoveGoal',
    permission: 'sheet.edit',
    who: EDIT,
    status: 200,
    request: (f) => ['DELETE', sheet(f, `/goals/${f.spareGoalId}`)],
  },
  {
    command: 'DefineIndicator',
    permission: 'sheet.edit',
    who: EDIT,
    status: 201,
    request: (f) => ['POST', sheet(f, `/goals/${f.goalId}/indicators`), { name: '講座の開催回数', target: '5回' }],
  },
  {
    command: 'ReviseIndicator',
    permission: 'sheet.edit',
    who: EDIT,
    status: 200,
    request: (f) => ['PATCH', sheet(f, `/indicators/${f.indicatorId}`), { notes: '年度末集計' }],
  },
  {
    command: 'SetTarget',
    permission: 'sheet.edit',
    who: EDIT,
    status: 200,
    request: (f) => ['PUT', sheet(f, `/indicators/${f.indicatorId}/target`), { text: '12件' }],
  },
  {
    command: 'RecordProgress',
    permission: 'sheet.record',
    who: EDIT,
    status: 200,
    request: (f) => ['PUT', sheet(f, `/indicators/${f.indicatorId}/progress/1`), { value: 3 }],
  },
  {
    command: 'RecordResult',
    permission: 'sheet.record',
    who: EDIT,
    status: 200,
    request: (f) => ['PUT', sheet(f, `/indicators/${f.indicatorId}/result`), { value: 11 }],
  },
  {
    command: 'SetEvaluationDate',
    permission: 'sheet.schedule',
    who: DEPARTMENT,
    status: 200,
    request: (f) => ['PUT', sheet(f, '/evaluation-date'), { date: `${f.year + 1}-04-20` }],
  },
  {
    command: 'Evaluate',
    permission: 'sheet.evaluate',
    who: EVALUATE,
    status: 200,
    request: (f) => ['PUT', sheet(f, `/goals/${f.goalId}/evaluation`), { rating: '△', reason: '一部未達' }],
  },
  {
    command: 'CloseSheet',
    permission: 'sheet.close',
    who: EVALUATE,
    status: 200,
    prepare: evaluateEveryGoal,
    request: (f) => ['POST', sheet(f, '/close')],
  },
  {
    command: 'ReopenSheet',
    permission: 'sheet.close',
    who: EVALUATE,
    status: 200,
    prepare: async (f) => {
      const { status } = await ok(api.call('GET', sheet(f)));
      if (status !== 'closed') await ok(api.call('POST', sheet(f, '/close')));
    },
    request: (f) => ['POST', sheet(f, '/reopen'), { reason: '記載の誤り' }],
  },
  {
    command: 'CreateSheet',
    permission: 'sheet.create',
    who: DEPARTMENT,
    status: 201,
    request: (f) => ['POST', '/api/v1/sheets', { fiscalYear: f.year + 20, department: f.department, unit: f.unit }],
  },
  // Ward plans belong to a 区: "own" and "unit" are the same 西区, and unit grants do not cover it.
  {
    command: 'GetWardPlan',
    permission: 'read',
    who: { coordinator: WARD, auditor: ALL, admin: ALL },
    status: 200,
    request: (f) => ['GET', `/api/v1/ward-plans/${f.wardPlanId}`],
  },
  {
    command: 'RevisePriorityGoals',
    permission: 'wardPlan.write',
    who: DEPARTMENT,
    status: 200,
    request: (f) => [
      'PUT',
      `/api/v1/ward-plans/${f.wardPlanId}/priority-goals`,
      { priorityGoals: [{ no: 1, text: '安心して暮らせるまち' }] },
    ],
  },
  {
    command: 'EvaluateWardPlan',
    permission: 'wardPlan.evaluate',
    who: DEPARTMENT,
    status: 200,
    request: (f) => ['PUT', `/api/v1/ward-plans/${f.wardPlanId}/evaluation`, { achievedCount: 1 }],
  },
  {
    command: 'CreateWardPlan',
    permission: 'wardPlan.write',
    who: DEPARTMENT,
    status: 201,
    request: (f) => ['POST', '/api/v1/ward-plans', { department: f.department, fiscalYear: f.year + 40, priorityGoals: [] }],
  },
  {
    command: 'WardSummary',
    permission: 'read',
    who: { coordinator: WARD, auditor: ALL, admin: ALL },
    // No processor runs here: a ward with sheets answers its (empty) summary as of updatedThrough, never 404.
    status: 200,
    request: (f) => ['GET', `/api/v1/summaries/wards/${encodeURIComponent(f.department)}/${f.year}`],
  },
];

/** One sheet (two goals, one indicator) and one ward plan per role and target, each in its own year. */
async function fixture(role: Role, target: Target): Promise<Fixture> {
  const { department, unit } = TARGETS[target];
  // Years keep fixtures apart: a sheet per unit and year, a ward plan per 区 and year.
  const year = 2000 + ROLES.indexOf(role) * 3 + ALL.indexOf(target);
  const { sheetId } = await ok(api.call('POST', '/api/v1/sheets', { fiscalYear: year, department, unit }));
  const { goalId } = await ok(api.call('POST', `/api/v1/sheets/${sheetId}/goals`, { text: '地域活動の活性化' }));
  const { goalId: spareGoalId } = await ok(api.call('POST', `/api/v1/sheets/${sheetId}/goals`, { text: '予備の目標' }));
  const { indicatorId } = await ok(
    api.call('POST', `/api/v1/sheets/${sheetId}/goals/${goalId}/indicators`, { name: 'SNS発信件数', target: '10件' }),
  );
  const { wardPlanId } = await ok(
    api.call('POST', '/api/v1/ward-plans', { department, fiscalYear: year, priorityGoals: [{ no: 1, text: '地域の力' }] }),
  );
  return { year, department, unit, sheetId, goalId, spareGoalId, indicatorId, wardPlanId };
}

beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

describe.each(ROLES.map((role) => [role, formatGrant(GRANTS[role])] as const))('%s (%s)', (role) => {
  it('may do exactly what the role allows, where it allows it; a refusal names the permission and appends nothing', async () => {
    const { token } = await issueToken(api, [GRANTS[role]], { name: `${role} さん` });
    const as = callAs(api, token);
    const actual: Record<string, Record<Target, string>> = {};
    const expected: Record<string, Record<Target, string>> = {};
    for (const target of ALL) {
      const f = await fixture(role, target);
      for (const c of CASES) {
        await c.prepare?.(f);
        const before = await eventCount(api);
        const [method, path, body] = c.request(f);
        const reply = await as(method, path, body);
        const appended = (await eventCount(api)) - before;
        const allowed = c.who[role]?.includes(target) ?? false;
        (expected[c.command] ??= {} as Record<Target, string>)[target] = allowed ? `${c.status}` : `403 missing ${c.permission}, +0 events`;
        (actual[c.command] ??= {} as Record<Target, string>)[target] =
          reply.status === 403 ? `403 missing ${reply.body.permission}, +${appended} events` : `${reply.status}`;
      }
    }
    expect(actual).toEqual(expected);
  });
});

describe('organization-wide routes', () => {
  it.each<[Role, number, number]>([
    ['viewer', 403, 403],
    ['editor', 403, 403],
    ['evaluator', 403, 403],
    ['coordinator', 403, 403],
    ['auditor', 200, 403],
    ['admin', 200, 201],
  ])('%s: verify the hash chains → %i, issue a token → %i', async (role, verify, issue) => {
    const { token } = await issueToken(api, [GRANTS[role]]);
    const as = callAs(api, token);
    expect((await as('GET', '/api/v1/audit/verify')).status).toBe(verify);
    const before = await eventCount(api);
    const issued = await as('POST', '/api/v1/tokens', { name: '誰か', grants: [{ role: 'admin' }] });
    expect(issued.status).toBe(issue);
    if (issue === 403) {
      expect(issued.body).toMatchObject({ status: 403, code: 'PermissionMissing', permission: 'tokens.manage' });
      expect(await eventCount(api)).toBe(before);
    }
  });
});
