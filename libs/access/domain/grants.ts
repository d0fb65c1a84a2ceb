import { departmentName } from '@shinchoku/municipality';

/** What a person may be: each role is a set of permissions, held over a scope of the org tree. */
export const ROLES = ['admin', 'auditor', 'coordinator', 'editor', 'evaluator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * A role held over a scope: no department = the whole organization; a department (区, or 局/部)
 * = every unit in it; a department and a unit (課) = that unit only.
 */
export interface Grant {
  role: Role;
  department?: string;
  unit?: string;
}

/** Which scopes each role may be granted over; a grant outside them is refused when issued. */
const SCOPING: Record<Role, 'organization' | 'department' | 'unit' | 'any'> = {
  admin: 'organization',
  auditor: 'organization',
  coordinator: 'department',
  editor: 'unit',
  evaluator: 'unit',
  viewer: 'any',
};

/** Why a grant cannot be given, or undefined when it can. */
export function grantProblem(grant: Grant): string | undefined {
  if (!ROLES.includes(grant.role)) return `role must be one of ${ROLES.join(', ')}`;
  if (grant.unit !== undefined && grant.department === undefined) return 'a unit needs its department (課 names repeat across 区)';
  switch (SCOPING[grant.role]) {
    case 'organization':
      return grant.department === undefined ? undefined : `${grant.role} covers the whole organization; give no department or unit`;
    case 'department':
      return grant.department !== undefined && grant.unit === undefined ? undefined : `${grant.role} needs a department and no unit`;
    case 'unit':
      return grant.unit !== undefined ? undefined : `${grant.role} needs a department and a unit`;
    case 'any':
      return undefined;
  }
}

/**
 * The compact form used by the CLI and by OIDC_GRANTS: `admin`, `coordinator:西区`,
 * `editor:西区/地域課`, `viewer` (everything) — a Grant, or why not.
 */
export function parseGrant(text: string): Grant | string {
  const match = /^([a-z]+)(?::([^/]+?)(?:\/(.+))?)?$/.exec(text.trim());
  if (!match) return `'${text}' is not role[:department[/unit]]`;
  const [, role, department, unit] = match;
  const name = department && departmentName(department);
  const grant: Grant = { role: role as Role, ...(name && { department: name }), ...(unit && { unit: unit.trim() }) };
  return grantProblem(grant) ?? grant;
}

/** The grant with its department's one name, as it is issued and shown. */
export const canonicalGrant = (grant: Grant): Grant =>
  grant.department === undefined ? grant : { ...grant, department: departmentName(grant.department) };

export const formatGrant = (grant: Grant) =>
  grant.role + (grant.department ? `:${grant.department}${grant.unit ? `/${grant.unit}` : ''}` : '');

/**
 * Grants issued before departments had one name may spell theirs otherwise (西区役所 for 西区):
 * they are compared by the name.
 */
export const sameDepartment = (a: string, b: string) => departmentName(a) === departmentName(b);
