import {
  Grant,
  PERMISSIONS,
  Permission,
  ROLES,
  Role,
  Scope,
  can,
  formatGrant,
  grantProblem,
  parseGrant,
  permissionsOf,
  visibility,
} from '@shinchoku/access';
import { WEST_CHIIKI_GRANTS } from '../support/access';

const GRANTS = WEST_CHIIKI_GRANTS;

// Sheets spell the ward either way; the grant's 西区 covers 西区役所.
const SCOPES = {
  own: { department: '西区役所', unit: '地域課' },
  unit: { department: '西区', unit: '保護課' },
  dept: { department: '東区', unit: '地域課' },
  ward: { department: '西区' },
  org: {},
} satisfies Record<string, Scope>;
type Where = keyof typeof SCOPES;
const ALL: Where[] = ['own', 'unit', 'dept', 'ward', 'org'];
const DEPARTMENT: Where[] = ['own', 'unit', 'ward'];

/** Who may do what where; anything not listed is refused. */
const EXPECTED: Record<Permission, Partial<Record<Role, Where[]>>> = {
  read: { viewer: ['own'], editor: ['own'], evaluator: ['own'], coordinator: DEPARTMENT, auditor: ALL, admin: ALL },
  'sheet.create': { coordinator: DEPARTMENT, admin: ALL },
  'sheet.edit': { editor: ['own'], coordinator: DEPARTMENT, admin: ALL },
  'sheet.record': { editor: ['own'], coordinator: DEPARTMENT, admin: ALL },
  'sheet.schedule': { coordinator: DEPARTMENT, admin: ALL },
  'sheet.evaluate': { evaluator: ['own'], admin: ALL },
  'sheet.close': { evaluator: ['own'], admin: ALL },
  'wardPlan.write': { coordinator: DEPARTMENT, admin: ALL },
  'wardPlan.evaluate': { coordinator: DEPARTMENT, admin: ALL },
  'contacts.manage': { coordinator: DEPARTMENT, admin: ALL },
  // Read where the grant is, but the route asks it anywhere (scope.list): one setting for the whole organization.
  'settings.read': { coordinator: DEPARTMENT, auditor: ALL, admin: ALL },
  'settings.write': { admin: ALL },
  'audit.verify': { auditor: ALL, admin: ALL },
  'tokens.manage': { admin: ALL },
  admin: { admin: ALL },
};

const matrix = PERMISSIONS.flatMap((permission) =>
  ROLES.flatMap((role) => ALL.map((where) => [permission, role, where, EXPECTED[permission][role]?.includes(where) ?? false] as const)),
);

describe('can: role × permission × scope', () => {
  it.each(matrix)('%s by %s on %s → allowed %s', (permission, role, where, allowed) => {
    expect(can([GRANTS[role]], permission, SCOPES[where])).toEqual(allowed ? 'allowed' : { missing: permission });
  });

  it('a person holding several roles gets their union', () => {
    const grants = [GRANTS.editor, GRANTS.evaluator];
    expect(can(grants, 'sheet.record', SCOPES.own)).toBe('allowed');
    expect(can(grants, 'sheet.close', SCOPES.own)).toBe('allowed');
    expect(can(grants, 'sheet.schedule', SCOPES.own)).toEqual({ missing: 'sheet.schedule' });
  });

  it('no grants, nothing allowed', () => {
    expect(can([], 'read', SCOPES.own)).toEqual({ missing: 'read' });
  });
});

describe('visibility: the scopes a list shows', () => {
  it.each<[string, Grant[], ReturnType<typeof visibility>]>([
    ['an organization-wide grant: everything', [GRANTS.auditor], 'all'],
    ['an unscoped viewer: everything', [{ role: 'viewer' }], 'all'],
    ['a unit grant: that unit', [GRANTS.viewer], [{ department: '西区', unit: '地域課' }]],
    ['a coordinator: the department', [GRANTS.coordinator], [{ department: '西区' }]],
    [
      'several grants: each scope',
      [GRANTS.editor, { role: 'viewer', department: '東区' }],
      [{ department: '西区', unit: '地域課' }, { department: '東区' }],
    ],
    ['no grants: nothing', [], []],
  ])('%s', (_case, grants, expected) => {
    expect(visibility(grants, 'read')).toEqual(expected);
  });

  it('only grants holding the permission count', () => {
    expect(visibility([GRANTS.viewer, GRANTS.coordinator], 'sheet.schedule')).toEqual([{ department: '西区' }]);
  });
});

describe('permissionsOf: what a person may do, and where', () => {
  it('lists each permission held somewhere with its scopes, once each, in the order of PERMISSIONS', () => {
    // Editor and evaluator of one 課 both read there: the scope is named once.
    expect(permissionsOf([GRANTS.editor, GRANTS.evaluator, { role: 'viewer', department: '東区' }])).toEqual([
      { permission: 'read', scopes: [{ department: '西区', unit: '地域課' }, { department: '東区' }] },
      { permission: 'sheet.edit', scopes: [{ department: '西区', unit: '地域課' }] },
      { permission: 'sheet.record', scopes: [{ department: '西区', unit: '地域課' }] },
      { permission: 'sheet.evaluate', scopes: [{ department: '西区', unit: '地域課' }] },
      { permission: 'sheet.close', scopes: [{ department: '西区', unit: '地域課' }] },
    ]);
  });

  it('an organization-wide grant holds its permissions everywhere: one scope without a department', () => {
    expect(permissionsOf([GRANTS.admin])).toEqual(PERMISSIONS.map((permission) => ({ permission, scopes: [{}] })));
    expect(permissionsOf([GRANTS.auditor, GRANTS.coordinator]).find((held) => held.permission === 'read')).toEqual({
      permission: 'read',
      scopes: [{}],
    });
  });

  it('no grants: nothing', () => {
    expect(permissionsOf([])).toEqual([]);
  });
});

describe('grants: which scopes each role may be given', () => {
  it.each<[string, Grant | string]>([
    ['admin', { role: 'admin' }],
    ['auditor', { role: 'auditor' }],
    ['viewer', { role: 'viewer' }],
    ['viewer:西区', { role: 'viewer', department: '西区' }],
    ['viewer:西区/地域課', { role: 'viewer', department: '西区', unit: '地域課' }],
    ['coordinator:西区', { role: 'coordinator', department: '西区' }],
    ['editor:西区/地域課', { role: 'editor', department: '西区', unit: '地域課' }],
    ['evaluator:東区/保護課', { role: 'evaluator', department: '東区', unit: '保護課' }],
    ['admin:西区', 'admin covers the whole organization; give no department or unit'],
    ['auditor:西区/地域課', 'auditor covers the whole organization; give no department or unit'],
    ['coordinator', 'coordinator needs a department and no unit'],
    ['coordinator:西区/地域課', 'coordinator needs a department and no unit'],
    ['editor:西区', 'editor needs a department and a unit'],
    ['evaluator', 'evaluator needs a department and a unit'],
    ['owner', 'role must be one of admin, auditor, coordinator, editor, evaluator, viewer'],
    ['Editor:西区/地域課', "'Editor:西区/地域課' is not role[:department[/unit]]"],
    ['editor:', "'editor:' is not role[:department[/unit]]"],
    ['editor:　/地域課', 'a unit needs its department (課 names repeat across 区)'],
  ])('%s', (text, expected) => {
    expect(parseGrant(text)).toEqual(expected);
    if (typeof expected !== 'string') expect(formatGrant(expected)).toBe(text);
  });

  it.each([
    ['evaluator:東区役所/保護課', { role: 'evaluator', department: '東区', unit: '保護課' }],
    ['coordinator:新潟市　西区役所', { role: 'coordinator', department: '西区' }],
    ['viewer:ＩＣＴ推進部', { role: 'viewer', department: 'ICT推進部' }],
  ])('%s names the department by its one name', (text, expected) => {
    expect(parseGrant(text)).toEqual(expected);
  });

  it('a unit without its department is refused (課 names repeat across 区)', () => {
    expect(grantProblem({ role: 'viewer', unit: '地域課' })).toMatch(/needs its department/);
  });
});
