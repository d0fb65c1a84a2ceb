import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AccessModule } from '@shinchoku/access';
import { AuditModule } from '@shinchoku/audit';
import { DocumentsModule } from '@shinchoku/documents';
import { HealthModule } from '@shinchoku/health';
import { MetricsModule } from '@shinchoku/metrics';
import { ProblemFilter, RequestValidationPipe } from '@shinchoku/http';
import { RemindersModule } from '@shinchoku/reminders';
import { SheetsModule, sheetProblem } from '@shinchoku/sheets';
import { SummariesModule } from '@shinchoku/summaries';
import { PROCESSOR_NAMES } from '@shinchoku/system';

/** The HTTP side: authentication, validation and problem responses for every route, then the capabilities. */
@Module({})
export class ApiModule {
  static forRoot(adminToken: string): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        AccessModule.forRoot(adminToken),
        MetricsModule.forRoot(PROCESSOR_NAMES),
        HealthModule,
        SheetsModule,
        AuditModule,
        SummariesModule,
        DocumentsModule,
        RemindersModule,
      ],
      providers: [
        { provide: APP_PIPE, useClass: RequestValidationPipe },
        { provide: APP_FILTER, useValue: new ProblemFilter([sheetProblem]) },
      ],
    };
  }
}
