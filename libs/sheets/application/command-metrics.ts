import { Optional } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { Metrics } from '@shinchoku/metrics';
import { CommandSettled } from './command-settled';

/** Counts every command of this process by aggregate, type and outcome, with its latency and the events it appended. */
@EventsHandler(CommandSettled)
export class CommandMetrics implements IEventHandler<CommandSettled> {
  constructor(@Optional() private readonly metrics?: Metrics) {}

  handle({ aggregate, command, outcome, seconds, events }: CommandSettled): void {
    this.metrics?.commandObserved(aggregate, command, outcome, seconds, events.length);
  }
}
