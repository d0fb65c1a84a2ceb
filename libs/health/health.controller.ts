import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Operation, Public } from '@shinchoku/http';
import { HealthProbe, HealthReport } from './health';
import { healthReport } from './responses';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly probe: HealthProbe) {}

  /**
   * 503 only when the database is down: then no request can be served. A queue that does not answer
   * delays reminders, not requests, so the answer stays 200 with `degraded` in the body: a load
   * balancer taking every API process out of service over the queue would turn that delay into an
   * outage. Monitoring alerts on the body's status (or the queue check).
   */
  @Operation({
    summary: 'Check health',
    description:
      'Whether the database and the queue answer. 503 only when the database is down; a queue that does not answer delays reminders, not requests, so it stays 200 with `degraded`. Public.',
    responses: [
      { status: 200, description: 'Up (ok or degraded).', json: healthReport, headers: ['Cache-Control'] },
      { status: 503, description: 'The database is down.', json: healthReport, headers: ['Cache-Control'] },
    ],
    public: true,
  })
  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await this.probe.report();
    reply.status(report.status === 'unavailable' ? 503 : 200).header('cache-control', 'no-store');
    return report;
  }
}
