import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { Problem } from '@shinchoku/http';
import type { AccessRequest } from './requires';

/**
 * Requests per signed-in principal (a token, or an SSO subject), across all routes, counted in
 * this process. The bootstrap token is the operator's way in during an incident: never limited.
 */
@Injectable()
export class TokenThrottler extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const principal = context.switchToHttp().getRequest<AccessRequest>().principal;
    return !principal || principal.via === 'bootstrap';
  }

  protected override async getTracker(request: Record<string, any>): Promise<string> {
    return (request as AccessRequest).principal!.actor.id;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return tracker;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new Problem(
      429,
      'TooManyRequests',
      `more than ${detail.limit} requests in ${detail.ttl / 1000} s with this credential; retry after ${detail.timeToBlockExpire} s`,
    ).withHeader('retry-after', String(detail.timeToBlockExpire));
  }
}
