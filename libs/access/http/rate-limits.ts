import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { BlockList } from 'node:net';
import type { AccessConfig as Config } from '../access-settings';
import { Problem } from '@shinchoku/http';
import { CONFIG, Clock } from '@shinchoku/runtime';
import { RateCounter } from '../application/rate-counter';
import { SharedLimit } from '../application/shared-limit';
import { clientOf, proxyList, senderOf } from './client-address';

/**
 * The two limits, both counted across API processes: failed authentications per client address,
 * checked before any credential is looked up (so a flood of bad tokens costs no query per request
 * once over), and requests per signed-in credential. The happy path costs at most one shared count,
 * the credential's; an address's count moves only when an authentication fails.
 */
@Injectable()
export class RateLimits implements OnModuleDestroy {
  private readonly failures: SharedLimit;
  private readonly requests: SharedLimit;
  private readonly proxies: BlockList | undefined;

  constructor(
    private readonly counter: RateCounter,
    @Inject(CONFIG) config: Config,
    clock: Clock,
  ) {
    const { authFailureLimit, rateLimit, trustedProxies } = config;
    this.proxies = trustedProxies.length > 0 ? proxyList(trustedProxies) : undefined;
    this.failures = new SharedLimit('failed-authentications-per-address', authFailureLimit.max, authFailureLimit.windowMs, counter, clock);
    // Requests are counted a few at a time (a fiftieth of the limit): the happy path's shared count is
    // then one round trip per dozen requests at the default limit; failures are counted one by one.
    const lease = Math.max(1, Math.floor(rateLimit.max / 50));
    this.requests = new SharedLimit('requests-per-credential', rateLimit.max, rateLimit.windowMs, counter, clock, lease);
  }

  /** The client whose failures a request counts to. */
  clientOf(request: FastifyRequest): string {
    return clientOf(senderOf(request.socket.remoteAddress ?? request.ip, request.headers['x-forwarded-for'], this.proxies));
  }

  /** Before any lookup: refuses an address this process knows to be over its failures. */
  refuseFlooding(address: string): void {
    const wait = this.failures.retryAfter(address);
    if (wait !== undefined) throw tooMany(this.failures, wait, 'failed authentications from this address');
  }

  /** After an authentication failed: 429 instead of 401 once the address is over its limit. */
  async failed(address: string): Promise<void> {
    const wait = this.failures.retryAfter(address) ?? (await this.failures.hit(address));
    if (wait !== undefined) throw tooMany(this.failures, wait, 'failed authentications from this address');
  }

  /** A signed-in credential's request (a token id, or an SSO subject). */
  async request(credential: string): Promise<void> {
    const wait = this.requests.retryAfter(credential) ?? (await this.requests.hit(credential));
    if (wait !== undefined) throw tooMany(this.requests, wait, 'requests with this credential');
  }

  onModuleDestroy(): Promise<void> {
    return this.counter.close();
  }
}

function tooMany(limit: SharedLimit, wait: number, what: string): Problem {
  const windowSeconds = limit.windowMs / 1000;
  return new Problem(429, 'TooManyRequests', `more than ${limit.max} ${what} in ${windowSeconds} s; retry after ${wait} s`, undefined, {
    limit: limit.name,
    max: limit.max,
    windowSeconds,
  }).withHeader('retry-after', String(wait));
}
