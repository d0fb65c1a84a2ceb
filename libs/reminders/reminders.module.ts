import { Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kysely } from 'kysely';
import type { Database } from '@shinchoku/database';
import type { Config } from '@shinchoku/config';
import { EventStore } from '@shinchoku/event-store';
import { QueueFactory } from '@shinchoku/queue';
import { CONFIG, Clock } from '@shinchoku/runtime';
import { SheetCommands } from '@shinchoku/sheets';
import { Contacts } from './application/contacts';
import { planningRules } from './application/planning';
import { ReminderWorkers } from './application/reminder-workers';
import { ContactsController } from './http/contacts.controller';
import { RemindersController } from './http/reminders.controller';

/** The HTTP side: contacts and the reminders list. */
@Module({
  controllers: [ContactsController, RemindersController],
  providers: [
    {
      provide: Contacts,
      inject: [Kysely, CONFIG, Clock],
      useFactory: (db: Kysely<Database>, config: Config, clock: Clock) => new Contacts(db, planningRules(config.reminders), clock, config.reminders.webhooks),
    },
  ],
})
export class RemindersModule {}

class ReminderWorkersLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly workers: ReminderWorkers) {}

  onApplicationBootstrap() {
    return this.workers.start();
  }

  onApplicationShutdown() {
    return this.workers.close();
  }
}

/** The background side: delivery and the reconciler (the planner runs with the other feed processors). */
@Module({
  providers: [
    {
      provide: ReminderWorkersLifecycle,
      inject: [Kysely, EventStore, QueueFactory, Clock, CONFIG],
      useFactory: (db: Kysely<Database>, store: EventStore, queues: QueueFactory, clock: Clock, config: Config) =>
        new ReminderWorkersLifecycle(
          new ReminderWorkers({
            db,
            queues,
            commands: new SheetCommands(db, store, clock, config.progressThresholds),
            clock,
            settings: config.reminders,
            logger: new Logger('Reminders'),
          }),
        ),
    },
  ],
})
export class ReminderWorkersModule {}
