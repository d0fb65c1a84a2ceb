import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '@shinchoku/http';
import { HealthProbe, HealthReport } from './health';

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
  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await this.probe.report();
    reply.status(report.status === 'unavailable' ? 503 : 200).header('cache-control', 'no-store');
    return report;
  }
}
