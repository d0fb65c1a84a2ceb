import { Module } from '@nestjs/common';
import { ProcessorsModule } from '@shinchoku/processors';
import { PROCESSORS } from './processors';

/** The background side: the feed processors and, as capabilities add them, queue consumers. */
@Module({ imports: [ProcessorsModule.forRoot(PROCESSORS)] })
export class WorkerModule {}
