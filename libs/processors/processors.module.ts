import { DynamicModule, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kysely } from 'kysely';
import type { Database } from '@shinchoku/database';
import { EventStore } from '@shinchoku/event-store';
import type { Config } from '@shinchoku/config';
import { CONFIG } from '@shinchoku/runtime';
import type { Processor } from './processor';
import { ProcessorRunner } from './processor-runner';

@Injectable()
class ProcessorLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly runner: ProcessorRunner) {}
  onApplicationBootstrap() {
    this.runner.start();
  }
  async onApplicationShutdown() {
    await this.runner.stop();
  }
}

/** Runs the given processors on the feed while the application is up. */
@Module({})
export class ProcessorsModule {
  static forRoot(processors: readonly Processor[]): DynamicModule {
    return {
      module: ProcessorsModule,
      providers: [
        {
          provide: ProcessorRunner,
          inject: [Kysely, EventStore, CONFIG],
          useFactory: (db: Kysely<Database>, store: EventStore, config: Config) => {
            const logger = new Logger('Processors');
            return new ProcessorRunner(db, store, processors, {
              batchSize: config.processorBatchSize,
              pollIntervalMs: config.processorPollMs,
              onError: (processor, error) => logger.error(`${processor ?? 'runner'}: ${(error as Error).message}`, (error as Error).stack),
            });
          },
        },
        ProcessorLifecycle,
      ],
      exports: [ProcessorRunner],
    };
  }
}
