import { DynamicModule, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Kysely } from 'kysely';
import type { Database } from '@shinchoku/database';
import { Client, Pool } from 'pg';
import type { AccessConfig as Config } from './access-settings';
import { EventStore } from '@shinchoku/event-store';
import { CONFIG, Clock } from '@shinchoku/runtime';
import { AccessTokens } from './application/access-tokens';
import { Authenticator } from './application/authenticator';
import { KnownTokens } from './application/known-tokens';
import { OidcVerifier } from './application/oidc';
import { PrincipalChanges } from './application/principal-changes';
import { PostgresRateCounter, RateCounter, RedisRateCounter } from './application/rate-counter';
import { ScopeLookup } from './application/scope-lookup';
import { AccessGuard } from './http/access.guard';
import { RateLimits } from './http/rate-limits';
import { MeController } from './http/me.controller';
import { SignInController } from './http/sign-in.controller';
import { TokensController } from './http/tokens.controller';

/** Follows revocations while the application is up, when it keeps tokens in memory. */
class PrincipalChangesLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly changes?: PrincipalChanges) {}

  onApplicationBootstrap() {
    this.changes?.start();
  }

  onApplicationShutdown() {
    return this.changes?.stop();
  }
}

/** Who may do what: the guard on every route, tokens and SSO, rate limits. */
@Module({})
export class AccessModule {
  static forRoot(adminToken: string): DynamicModule {
    return {
      module: AccessModule,
      controllers: [TokensController, MeController, SignInController],
      providers: [
        { provide: KnownTokens, useFactory: (config: Config) => new KnownTokens(config.tokenCacheEntries), inject: [CONFIG] },
        {
          provide: AccessTokens,
          useFactory: (db: Kysely<Database>, store: EventStore, clock: Clock, config: Config, known: KnownTokens) =>
            new AccessTokens(db, store, clock, config.tokenDefaultExpiry, config.tokenCacheEntries > 0 ? known : undefined),
          inject: [Kysely, EventStore, Clock, CONFIG, KnownTokens],
        },
        {
          provide: PrincipalChangesLifecycle,
          useFactory: (pool: Pool, known: KnownTokens, config: Config) =>
            new PrincipalChangesLifecycle(
              config.tokenCacheEntries > 0
                ? new PrincipalChanges(
                    () => new Client({ ...pool.options, application_name: 'shinchoku-principal-changes' }),
                    known,
                    config.tokenCachePollMs,
                  )
                : undefined,
            ),
          inject: [Pool, KnownTokens, CONFIG],
        },
        { provide: ScopeLookup, useFactory: (db: Kysely<Database>) => new ScopeLookup(db), inject: [Kysely] },
        {
          provide: Authenticator,
          useFactory: (tokens: AccessTokens, config: Config, clock: Clock) =>
            new Authenticator(adminToken, tokens, config.oidc && new OidcVerifier(config.oidc, clock, config.tokenCacheEntries)),
          inject: [AccessTokens, CONFIG, Clock],
        },
        {
          // Counts shared by every API process: in Redis when there is one, else in PostgreSQL.
          provide: RateCounter,
          useFactory: (config: Config, db: Kysely<Database>) =>
            config.redisUrl ? new RedisRateCounter(config.redisUrl, config.queuePrefix) : new PostgresRateCounter(db),
          inject: [CONFIG, Kysely],
        },
        RateLimits,
        { provide: APP_GUARD, useClass: AccessGuard },
      ],
    };
  }
}
