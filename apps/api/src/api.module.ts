import { Module } from '@nestjs/common';
import { HealthModule } from '@shinchoku/health';

/** The HTTP side: controllers only; everything they use comes from the libs. */
@Module({ imports: [HealthModule] })
export class ApiModule {}
