import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Kysely } from 'kysely';
import type { Config } from '@shinchoku/config';
import { EventStore } from '@shinchoku/event-store';
import { CONFIG, Clock } from '@shinchoku/runtime';
import { AccessTokens } from './application/access-tokens';
import { Authenticator } from './application/authenticator';
import { OidcVerifier } from './application/oidc';
import { PostgresRateCounter, RateCounter, RedisRateCounter } from './application/rate-counter';
import { ScopeLookup } from './application/scope-lookup';
import { AccessGuard } from './http/access.guard';
import { RateLimits } from './http/rate-limits';
import { TokensController } from './http/tokens.controller';

/** Who may do what: the guard on every route, tokens and SSO, rate limits. */
@Module({})
export class AccessModule {
  static forRoot(adminToken: string): DynamicModule {
    return {
      module: AccessModule,
      controllers: [TokensController],
      providers: [
        {
          provide: AccessTokens,
          useFactory: (db: Kysely<any>, store: EventStore, clock: Clock, config: Config) => new AccessTokens(db, store, clock, config.tokenDefaultExpiry),
          inject: [Kysely, EventStore, Clock, CONFIG],
        },
        { provide: ScopeLookup, useFactory: (db: Kysely<any>) => new ScopeLookup(db), inject: [Kysely] },
        {
          provide: Authenticator,
          useFactory: (tokens: AccessTokens, config: Config, clock: Clock) =>
            new Authenticator(adminToken, tokens, config.oidc && new OidcVerifier(config.oidc, clock)),
          inject: [AccessTokens, CONFIG, Clock],
        },
        {
          // Counts shared by every API process: in Redis when there is one, else in PostgreSQL.
          provide: RateCounter,
          useFactory: (config: Config, db: Kysely<any>) =>
            config.redisUrl ? new RedisRateCounter(config.redisUrl, config.queuePrefix) : new PostgresRateCounter(db),
          inject: [CONFIG, Kysely],
        },
        RateLimits,
        { provide: APP_GUARD, useClass: AccessGuard },
      ],
    };
  }
}
