import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Kysely } from 'kysely';
import type { Database } from '@shinchoku/database';
import { verifyEventChains } from '@shinchoku/event-store';
import { Requires } from '@shinchoku/access';

/** For auditors: proof that no event was edited, removed or inserted behind the store's back. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly db: Kysely<Database>) {}

  /** Walks every stream's hash chain: `ok` with counts, or the first broken event of each broken stream. */
  @Get('verify')
  @Requires('audit.verify')
  async verify() {
    const started = performance.now();
    const report = await verifyEventChains(this.db);
    return { ...report, checkedAt: new Date().toISOString(), durationMs: Math.round(performance.now() - started) };
  }
}
