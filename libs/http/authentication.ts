import { CanActivate, ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '@shinchoku/event-store';
import { Problem } from './problem';

const PUBLIC = 'shinchoku:public';
/** Routes anyone may call without a token (health checks). */
export const Public = () => SetMetadata(PUBLIC, true);

/** The bootstrap administrator: whoever holds ADMIN_TOKEN. Roles and per-person tokens come with access control. */
export const BOOTSTRAP_ADMIN: Actor = { id: 'admin', name: 'Administrator (bootstrap token)' };

export const ADMIN_TOKEN = 'shinchoku:admin-token';

type AuthenticatedRequest = FastifyRequest & { actor?: Actor };

/** Every request carries `Authorization: Bearer <token>`; the token's identity becomes the actor of what it does. */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  private readonly adminDigest: Buffer;

  constructor(
    private readonly reflector: Reflector,
    adminToken: string,
  ) {
    this.adminDigest = digest(adminToken);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
    if (!token) throw unauthorized(header ? 'the Authorization header must be "Bearer <token>"' : 'send Authorization: Bearer <token>');
    // Compare digests in constant time: the token's length and content never show in timing.
    if (!timingSafeEqual(digest(token), this.adminDigest)) throw unauthorized('the token is not valid');
    request.actor = BOOTSTRAP_ADMIN;
    return true;
  }
}

const digest = (token: string) => createHash('sha256').update(token).digest();

const unauthorized = (detail: string) =>
  new Problem(401, 'Unauthenticated', detail).withHeader('www-authenticate', 'Bearer realm="shinchoku"');

export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw new Error('CurrentActor used on a public route');
  return actor;
});
