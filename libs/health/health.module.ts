import { Module } from '@nestjs/common';
import { Kysely } from 'kysely';
import type { Database } from '@shinchoku/database';
import { QueueFactory } from '@shinchoku/queue';
import { HealthProbe } from './health';
import { HealthController } from './health.controller';

@Module({
  controllers: [HealthController],
  providers: [
    {
      provide: HealthProbe,
      useFactory: (db: Kysely<Database>, queues: QueueFactory) => new HealthProbe(db, queues),
      inject: [Kysely, QueueFactory],
    },
  ],
})
export class HealthModule {}
