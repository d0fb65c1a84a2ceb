import type { Processor } from '@shinchoku/processors';
import { summariesProcessor } from '@shinchoku/summaries';

/** Every async processor of the system: run by the worker, rebuilt by `shinchoku rebuild`. */
export const PROCESSORS: readonly Processor[] = [summariesProcessor];
