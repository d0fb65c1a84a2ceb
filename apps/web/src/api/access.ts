import { ORGANIZATION, can, holdsAnywhere, type Permission, type Scope } from '@shinchoku/access/domain';
import type { Me } from './models';
import { useMe } from './queries';

export { ORGANIZATION };

/**
 * What the signed-in person may do, decided by the same pure rules the server's guard applies
 * (`@shinchoku/access/domain`), so the page offers only what the server would allow. The server
 * still decides every request; a refusal it returns anyway is shown (see ErrorMessage).
 */
export interface Access {
  /** Undefined until GET /me has answered: then nothing is allowed yet. */
  me: Me | undefined;
  error: unknown;
  /** Allowed in this scope: a sheet's department and unit, a ward's department, or ORGANIZATION. */
  may: (permission: Permission, scope: Scope) => boolean;
  /** Held somewhere: enough to offer a page whose server answer is limited to where (import, settings). */
  mayAnywhere: (permission: Permission) => boolean;
}

export function useAccess(): Access {
  const { data: me, error } = useMe();
  return {
    me,
    error,
    may: (permission, scope) => me !== undefined && can(me.grants, permission, scope) === 'allowed',
    mayAnywhere: (permission) => me !== undefined && holdsAnywhere(me.grants, permission),
  };
}
