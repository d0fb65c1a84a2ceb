import { Controller, DynamicModule, Get, Global, Header, Module } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Kysely } from 'kysely';
import type { Database } from '@shinchoku/database';
import { Public } from '@shinchoku/http';
import { QueueFactory } from '@shinchoku/queue';
import { Metrics } from './metrics';

/** Prometheus scrapes this without a token: serve it only where your network lets the scraper in. */
@ApiExcludeController()
@Public()
@Controller('metrics')
class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

@Global()
@Module({})
export class MetricsModule {
  static forRoot(processors: readonly string[]): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [
        {
          provide: Metrics,
          inject: [Kysely, QueueFactory],
          useFactory: (db: Kysely<Database>, queues: QueueFactory) => new Metrics(db, queues, processors),
        },
      ],
      exports: [Metrics],
    };
  }
}
