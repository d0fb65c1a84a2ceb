import { Module } from '@nestjs/common';
import { ProcessorsModule } from '@shinchoku/processors';

/** The background side: the feed processors (capabilities register theirs here) and queue consumers. */
@Module({ imports: [ProcessorsModule.forRoot([])] })
export class WorkerModule {}
