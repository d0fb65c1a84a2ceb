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

export interface PermissionRequirement {
  permission: Permission;
  scope: ScopeSource;
}

/** A permission over a scope, or only being signed in (a route about the caller themselves). */
export type Requirement = PermissionRequirement | { signedIn: true };

export const REQUIRES = 'shinchoku:requires';

/**
 * What a route needs, on the handler or its controller: `@Requires('sheet.edit', scope.sheet())`.
 * A route without it is for administrators only.
 */
export const Requires = (permission: Permission, source: ScopeSource = scope.organization) =>
  applyDecorators(
    SetMetadata(REQUIRES, { permission, scope: source } satisfies PermissionRequirement),
    // Clients read in /docs what each operation needs, from the same declaration the guard enforces.
    ApiExtension('x-permission', { permission, scope: source.from }),
  );

/**
 * A route about the caller themselves (`GET /me`): anyone signed in, whatever their grants, even
 * none; it counts against their rate limit like any route.
 */
export const SignedIn = () =>
  applyDecorators(
    SetMetadata(REQUIRES, { signedIn: true } satisfies Requirement),
    ApiExtension('x-permission', { permission: null, scope: 'self' }),
  );

export type AccessRequest = FastifyRequest & { principal?: Principal; actor?: Principal['actor']; visible?: Visibility };

/** On a `scope.list` route: where the caller may see rows, to pass to the query. */
export const Visible = createParamDecorator((_data: unknown, context: ExecutionContext): Visibility => {
  const visible = context.switchToHttp().getRequest<AccessRequest>().visible;
  if (visible === undefined) throw new Error('@Visible() needs @Requires(permission, scope.list) on the route');
  return visible;
});

/** Who is calling, as the guard authenticated them (never on a public route). */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AccessRequest>().principal;
  if (principal === undefined) throw new Error('@Caller() needs a route the guard authenticates (not @Public())');
  return principal;
});
