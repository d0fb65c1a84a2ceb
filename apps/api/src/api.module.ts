import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE, Reflector } from '@nestjs/core';
import { AuditModule } from '@shinchoku/audit';
import { HealthModule } from '@shinchoku/health';
import { MetricsModule } from '@shinchoku/metrics';
import { PROCESSOR_NAMES } from '../../worker/src/processors';
import { BearerAuthGuard, ProblemFilter, RequestValidationPipe, VersionEtagInterceptor } from '@shinchoku/http';
import { RemindersModule } from '@shinchoku/reminders';
import { SheetsModule } from '@shinchoku/sheets';
import { SummariesModule } from '@shinchoku/summaries';

/** The HTTP side: authentication, validation and problem responses for every route, then the capabilities. */
@Module({})
export class ApiModule {
  static forRoot(adminToken: string): DynamicModule {
    return {
      module: ApiModule,
      imports: [MetricsModule.forRoot(PROCESSOR_NAMES), HealthModule, SheetsModule, AuditModule, SummariesModule, RemindersModule],
      providers: [
        { provide: APP_GUARD, useFactory: (reflector: Reflector) => new BearerAuthGuard(reflector, adminToken), inject: [Reflector] },
        { provide: APP_PIPE, useClass: RequestValidationPipe },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: VersionEtagInterceptor },
      ],
    };
  }
}
