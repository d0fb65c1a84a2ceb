import { Grant, Role, sameDepartment } from './grants';

/**
 * What a route may need. `admin` is what an undeclared route needs: only an administrator may
 * call a route until someone declares what it requires.
 */
export const PERMISSIONS = [
  'read',
  'sheet.create',
  'sheet.edit',
  'sheet.record',
  'sheet.schedule',
  'sheet.evaluate',
  'sheet.close',
  'wardPlan.write',
  'wardPlan.evaluate',
  'contacts.manage',
  'settings.read',
  'settings.write',
  'audit.verify',
  'tokens.manage',
  'admin',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * read: sheets, indicators, history, audit trails, ward plans, summaries.
 * sheet.edit: narratives, goals, indicators and targets. sheet.record: progress and results.
 * sheet.schedule: the 評価日. sheet.evaluate: ○/△/×. sheet.close: close and reopen.
 * contacts.manage: who is reminded (names and addresses), for a department or a unit.
 * settings.read / settings.write: the municipality's reminder policy and closed days; one setting
 * for the whole organization, so coordinators who chase their ward's reminders may read it, and
 * only administrators change it.
 */
const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  auditor: new Set(['read', 'audit.verify', 'settings.read']),
  coordinator: new Set([
    'read',
    'sheet.create',
    'sheet.edit',
    'sheet.record',
    'sheet.schedule',
    'wardPlan.write',
    'wardPlan.evaluate',
    'contacts.manage',
    'settings.read',
  ]),
  editor: new Set(['read', 'sheet.edit', 'sheet.record']),
  evaluator: new Set(['read', 'sheet.evaluate', 'sheet.close']),
  viewer: new Set(['read']),
};

/** Where something lives in the org tree: {} is the whole organization. */
export interface Scope {
  department?: string;
  unit?: string;
}

export const ORGANIZATION: Scope = {};

export type Decision = 'allowed' | { missing: Permission };

/** Whether a grant's scope contains the target scope: a unit grant never covers its whole department. */
function covers(grant: Grant, scope: Scope): boolean {
  if (grant.department === undefined) return true;
  if (scope.department === undefined || !sameDepartment(grant.department, scope.department)) return false;
  return grant.unit === undefined || grant.unit === scope.unit;
}

const holding = (grants: readonly Grant[], permission: Permission) => grants.filter((g) => ROLE_PERMISSIONS[g.role].has(permission));

export function can(grants: readonly Grant[], permission: Permission, scope: Scope): Decision {
  return holding(grants, permission).some((grant) => covers(grant, scope)) ? 'allowed' : { missing: permission };
}

/** Holds the permission somewhere: enough to let a request for an unknown resource reach its 404. */
export const holdsAnywhere = (grants: readonly Grant[], permission: Permission) => holding(grants, permission).length > 0;

/** The scopes in which a list shows rows: all of them, or only these (an empty list shows nothing). */
export type Visibility = 'all' | Scope[];

export function visibility(grants: readonly Grant[], permission: Permission): Visibility {
  const scopes = holding(grants, permission).map(({ department, unit }) => ({ ...(department && { department }), ...(unit && { unit }) }));
  return scopes.some((scope) => scope.department === undefined) ? 'all' : scopes;
}

/** What grants let their holder do, permission by permission, and where (a scope without a department: everywhere). */
export interface Held {
  permission: Permission;
  scopes: Scope[];
}

/** Every permission the grants hold somewhere, each with its scopes once (two roles over one 課 name it once). */
export function permissionsOf(grants: readonly Grant[]): Held[] {
  return PERMISSIONS.flatMap((permission) => {
    const where = visibility(grants, permission);
    const scopes = where === 'all' ? [ORGANIZATION] : [...new Map(where.map((scope) => [JSON.stringify(scope), scope])).values()];
    return scopes.length > 0 ? [{ permission, scopes }] : [];
  });
}
