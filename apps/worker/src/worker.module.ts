import { DynamicModule, Module } from '@nestjs/common';
import { ProcessorsModule } from '@shinchoku/processors';
import { ReminderWorkersModule } from '@shinchoku/reminders';
import type { Clock } from '@shinchoku/runtime';
import { processors, type ShinchokuConfig } from '@shinchoku/system';

/** The background side: the feed processors and the queue consumers. */
@Module({})
export class WorkerModule {
  static for(config: ShinchokuConfig, clock: Clock): DynamicModule {
    return { module: WorkerModule, imports: [ProcessorsModule.forRoot(processors(config, clock)), ReminderWorkersModule] };
  }
}
