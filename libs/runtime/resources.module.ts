import { DynamicModule, Global, Module } from '@nestjs/common';
import { Kysely } from 'kysely';
import { Pool } from 'pg';
import { EventStore } from '@shinchoku/event-store';
import { QueueFactory } from '@shinchoku/queue';
import type { Resources } from './resources';
import { Clock, systemClock } from './clock';

export const CONFIG = 'shinchoku:config';

/** Hands the already-open resources to Nest; their lifecycle stays with whoever opened them. */
@Global()
@Module({})
export class ResourcesModule {
  static forRoot(resources: Resources, clock: Clock = systemClock): DynamicModule {
    return {
      module: ResourcesModule,
      providers: [
        { provide: CONFIG, useValue: resources.config },
        { provide: Kysely, useValue: resources.database.db },
        // For a connection of one's own with the pool's settings (a LISTEN session).
        { provide: Pool, useValue: resources.database.pool },
        { provide: EventStore, useValue: resources.store },
        { provide: QueueFactory, useValue: resources.queues },
        { provide: Clock, useValue: clock },
      ],
      exports: [CONFIG, Kysely, Pool, EventStore, QueueFactory, Clock],
    };
  }
}
