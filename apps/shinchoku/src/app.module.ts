import { DynamicModule, Module } from '@nestjs/common';
import { Clock, Resources, ResourcesModule, systemClock } from '@shinchoku/runtime';
import type { ShinchokuConfig } from '@shinchoku/system';
import { ApiModule } from '../../api/src/api.module';
import { WorkerModule } from '../../worker/src/worker.module';

export interface Roles {
  /** The bootstrap admin token when this process serves HTTP. */
  api: false | { adminToken: string };
  worker: boolean;
}

/** One process can be the API, the worker, or both (the simple way to run it). */
@Module({})
export class AppModule {
  static for(resources: Resources<ShinchokuConfig>, roles: Roles, clock: Clock = systemClock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ResourcesModule.forRoot(resources, clock),
        ...(roles.api ? [ApiModule.forRoot(roles.api.adminToken)] : []),
        ...(roles.worker ? [WorkerModule.for(resources.config, clock)] : []),
      ],
    };
  }
}
