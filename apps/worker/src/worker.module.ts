import { DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@shinchoku/config';
import { ProcessorsModule } from '@shinchoku/processors';
import { ReminderWorkersModule } from '@shinchoku/reminders';
import type { Clock } from '@shinchoku/runtime';
import { processors } from './processors';

/** The background side: the feed processors and the queue consumers. */
@Module({})
export class WorkerModule {
  static for(config: Config, clock: Clock): DynamicModule {
    return { module: WorkerModule, imports: [ProcessorsModule.forRoot(processors(config, clock)), ReminderWorkersModule] };
  }
}
