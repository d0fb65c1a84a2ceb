import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '@shinchoku/http';
import { HealthProbe, HealthReport } from './health';

@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly probe: HealthProbe) {}

  /** 200 when the database and the queue both answer, 503 otherwise; load balancers need no body parsing. */
  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await this.probe.report();
    reply.status(report.status === 'ok' ? 200 : 503).header('cache-control', 'no-store');
    return report;
  }
}
