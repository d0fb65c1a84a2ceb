import { ExecutionContext, SetMetadata, applyDecorators, createParamDecorator } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Permission, Visibility } from '../domain/permissions';
import type { Principal } from '../application/principal';

/** Where the guard finds the scope a route acts on. */
export type ScopeSource =
  { from: 'organization' } | { from: 'list' } | { from: 'sheet' | 'wardPlan' | 'department'; param: string } | { from: 'body' };

export const scope = {
  /** The whole organization (tokens, hash-chain verification): only organization-wide grants. */
  organization: { from: 'organization' } as ScopeSource,
  /** A list: allowed with the permission anywhere, and filtered to where it is held (see @Visible). */
  list: { from: 'list' } as ScopeSource,
  /** The department and unit of the sheet named by a path parameter, looked up in `sheets`. */
  sheet: (param = 'sheetId'): ScopeSource => ({ from: 'sheet', param }),
  /** The department of the ward plan named by a path parameter. */
  wardPlan: (param = 'wardPlanId'): ScopeSource => ({ from: 'wardPlan', param }),
  /** A department named by a path parameter. */
  department: (param = 'department'): ScopeSource => ({ from: 'department', param }),
  /** `department` and `unit` of the JSON body (creating a sheet or a ward plan). */
  body: { from: 'body' } as ScopeSource,
};

export interface Requirement {
  permission: Permission;
  scope: ScopeSource;
}

export const REQUIRES = 'shinchoku:requires';

/**
 * What a route needs, on the handler or its controller: `@Requires('sheet.edit', scope.sheet())`.
 * A route without it is for administrators only.
 */
export const Requires = (permission: Permission, source: ScopeSource = scope.organization) =>
  applyDecorators(
    SetMetadata(REQUIRES, { permission, scope: source } satisfies Requirement),
    // Clients read in /docs what each operation needs, from the same declaration the guard enforces.
    ApiExtension('x-permission', { permission, scope: source.from }),
  );

export type AccessRequest = FastifyRequest & { principal?: Principal; actor?: Principal['actor']; visible?: Visibility };

/** On a `scope.list` route: where the caller may see rows, to pass to the query. */
export const Visible = createParamDecorator((_data: unknown, context: ExecutionContext): Visibility => {
  const visible = context.switchToHttp().getRequest<AccessRequest>().visible;
  if (visible === undefined) throw new Error('@Visible() needs @Requires(permission, scope.list) on the route');
  return visible;
});
