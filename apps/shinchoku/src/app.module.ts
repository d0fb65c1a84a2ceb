import { DynamicModule, Module } from '@nestjs/common';
import { Resources, ResourcesModule } from '@shinchoku/runtime';
import { ApiModule } from '../../api/src/api.module';
import { WorkerModule } from '../../worker/src/worker.module';

export interface Roles {
  api: boolean;
  worker: boolean;
}

/** One process can be the API, the worker, or both (the simple way to run it). */
@Module({})
export class AppModule {
  static for(resources: Resources, roles: Roles): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ResourcesModule.forRoot(resources),
        ...(roles.api ? [ApiModule] : []),
        ...(roles.worker ? [WorkerModule] : []),
      ],
    };
  }
}
