import { Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kysely } from 'kysely';
import type { Database } from '@shinchoku/database';
import type { ReminderConfig as Config } from './reminder-settings';
import { EventStore } from '@shinchoku/event-store';
import { QueueFactory } from '@shinchoku/queue';
import { CONFIG, Clock } from '@shinchoku/runtime';
import { SheetCommands } from '@shinchoku/sheets';
import { Contacts } from './application/contacts';
import { planningRules } from './application/planning';
import { RECONCILE_QUEUE } from './application/reconciler';
import { ReminderSettingsService } from './application/reminder-settings';
import { ReminderWorkers } from './application/reminder-workers';
import { ContactsController } from './http/contacts.controller';
import { RemindersController } from './http/reminders.controller';
import { ReminderSettingsController } from './http/settings.controller';

/** The HTTP side: contacts, the reminders list and the reminder settings. */
@Module({
  controllers: [ContactsController, RemindersController, ReminderSettingsController],
  providers: [
    {
      provide: ReminderSettingsService,
      inject: [Kysely, EventStore, Clock, CONFIG, QueueFactory],
      useFactory: (db: Kysely<Database>, store: EventStore, clock: Clock, config: Config, queues: QueueFactory) => {
        // The queue only when a change asks for it: an API process that is never told one opens no connection for it.
        let reconcile: ReturnType<QueueFactory['queue']> | undefined;
        const opened = () => {
          const queue = queues.queue(RECONCILE_QUEUE);
          // A queue backend that goes away is reported, never fatal to the API: the worker's periodic reconcile still comes.
          queue.on('error', (error) => new Logger('Reminders').warn(`reconcile queue: ${error.message}`));
          return queue;
        };
        const reconcileNow = () => (reconcile ??= opened()).add('reconcile', {}, { removeOnComplete: true, removeOnFail: true });
        return new ReminderSettingsService(db, store, clock, planningRules(config.reminders), reconcileNow);
      },
    },
    {
      provide: Contacts,
      inject: [Kysely, CONFIG, Clock],
      useFactory: (db: Kysely<Database>, config: Config, clock: Clock) =>
        new Contacts(db, planningRules(config.reminders), clock, config.reminders.webhooks),
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
