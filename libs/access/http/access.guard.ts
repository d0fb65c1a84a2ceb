import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE, Problem } from '@shinchoku/http';
import { Decision, ORGANIZATION, Scope, can, holdsAnywhere, visibility } from '../domain/permissions';
import type { Grant } from '../domain/grants';
import { Authenticator } from '../application/authenticator';
import { NotAuthenticated } from '../application/principal';
import { ScopeLookup } from '../application/scope-lookup';
import { RateLimits } from './rate-limits';
import { AccessRequest, PermissionRequirement, REQUIRES, Requirement, ScopeSource } from './requires';

const UNDECLARED: PermissionRequirement = { permission: 'admin', scope: { from: 'organization' } };

/**
 * Every non-public route: not flooding us with bad credentials (429, before any lookup), who is
 * calling (401), not too often (429), and may they do this here (403, before anything runs, so a
 * denied command appends nothing).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger('Access');

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly lookup: ScopeLookup,
    private readonly limits: RateLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AccessRequest>();
    const client = this.limits.clientOf(request);
    const principal = await this.authenticator
      .authenticate(request.headers.authorization, () => this.limits.refuseFlooding(client))
      .catch(async (error: unknown) => {
        if (!(error instanceof NotAuthenticated)) throw error;
        await this.limits.failed(client);
        throw unauthorized(error);
      });
    request.principal = principal;
    request.actor = principal.actor;
    // The bootstrap token is the operator's way in during an incident: never limited.
    if (principal.via !== 'bootstrap') await this.limits.request(principal.actor.id);
    const requirement = this.reflector.getAllAndOverride<Requirement>(REQUIRES, targets) ?? UNDECLARED;
    if ('signedIn' in requirement) return true;
    const decision = await this.decide(requirement, principal.grants, request);
    if (decision === 'allowed') return true;
    // No names, tokens or ids from the path: the route pattern, the permission and how they signed in.
    const who = principal.via === 'token' ? `token ${principal.actor.id.slice('token:'.length)}` : principal.via;
    this.logger.warn(`denied ${request.method} ${request.routeOptions.url}: missing ${decision.missing} (${who})`);
    throw new Problem(
      403,
      'PermissionMissing',
      `this needs the permission '${decision.missing}' ${WHERE[requirement === UNDECLARED ? 'undeclared' : requirement.scope.from]}`,
      undefined,
      { permission: decision.missing },
    );
  }

  private async decide({ permission, scope }: PermissionRequirement, grants: readonly Grant[], request: AccessRequest): Promise<Decision> {
    // Organization-wide grants need no lookup: the bootstrap admin never touches the database here.
    if (can(grants, permission, ORGANIZATION) === 'allowed') {
      if (scope.from === 'list') request.visible = 'all';
      return 'allowed';
    }
    if (scope.from === 'organization' || !holdsAnywhere(grants, permission)) return { missing: permission };
    if (scope.from === 'list') {
      request.visible = visibility(grants, permission);
      return 'allowed';
    }
    const target = await this.scopeOf(scope, request);
    // Unknown resource or a malformed body: the permission is held somewhere, so let the route answer 404 or 400.
    return target ? can(grants, permission, target) : 'allowed';
  }

  private async scopeOf(
    source: Exclude<ScopeSource, { from: 'organization' | 'list' }>,
    request: AccessRequest,
  ): Promise<Scope | undefined> {
    if (source.from === 'body') {
      const { department, unit } = (request.body ?? {}) as { department?: unknown; unit?: unknown };
      // Without a department the body is refused by validation (400). Any unit that is not a name
      // (null for a department-wide contact, or garbage) is decided on the department as a whole,
      // which only a department-wide grant covers: a body can narrow the scope, never widen it.
      if (typeof department !== 'string') return undefined;
      return { department, ...(typeof unit === 'string' && { unit }) };
    }
    const value = (request.params as Record<string, string | undefined>)[source.param];
    if (value === undefined)
      throw new Error(`@Requires names the path parameter '${source.param}', which ${request.routeOptions.url} lacks`);
    if (source.from === 'department') return { department: value };
    return source.from === 'sheet' ? this.lookup.sheet(value) : this.lookup.wardPlan(value);
  }
}

const WHERE: Record<ScopeSource['from'] | 'undeclared', string> = {
  organization: 'for the whole organization, which your grants do not give',
  list: 'somewhere, and your grants give it nowhere',
  sheet: "on this sheet's unit, which your grants do not give",
  wardPlan: "in this ward plan's department, which your grants do not give",
  department: 'in this department, which your grants do not give',
  body: 'for the department and unit in the body, which your grants do not give',
  undeclared: '(this route declares no permission, so only an administrator may call it)',
};

const unauthorized = ({ code, message }: NotAuthenticated) =>
  new Problem(401, code, message).withHeader('www-authenticate', 'Bearer realm="shinchoku"');
