import { Controller, DynamicModule, Get, Global, Header, Module } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Kysely } from 'kysely';
import type { Database } from '@shinchoku/database';
import { Operation, Public } from '@shinchoku/http';
import { QueueFactory } from '@shinchoku/queue';
import { Metrics } from './metrics';

/** Prometheus scrapes this without a token: serve it only where your network lets the scraper in. */
@ApiTags('operations')
@Public()
@Controller('metrics')
class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Operation({
    summary: 'Scrape metrics',
    description:
      'Prometheus metrics: requests, event store, processors’ lag, queues. Public: serve it only where your network lets the scraper in.',
    responses: [{ status: 200, description: 'Prometheus text exposition format.', other: { 'text/plain': 'text' } }],
    public: true,
  })
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
