import type { Processor } from '@shinchoku/processors';
import { planningRules, REMINDER_PLANNER, reminderPlanner } from '@shinchoku/reminders';
import type { Clock } from '@shinchoku/runtime';
import { summariesProcessor } from '@shinchoku/summaries';
import type { ShinchokuConfig } from './config';

/** Every async processor of the system: run by the worker, rebuilt by `shinchoku rebuild`. */
export function processors(config: ShinchokuConfig, clock: Clock): readonly Processor[] {
  return [summariesProcessor, reminderPlanner(planningRules(config.reminders), clock)];
}

export const PROCESSOR_NAMES: readonly string[] = [summariesProcessor.name, REMINDER_PLANNER];
