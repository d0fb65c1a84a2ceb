import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { CommandSettled } from './command-settled';
import { SheetViewCache } from './sheet-view-cache';

/**
 * Forgets this process's copy of a sheet once a command of this process on it settles, before its
 * caller is answered (the EventBus calls subscribers as it publishes), so a read after the answer
 * sees the command. Whatever the outcome: a command that failed may still have committed.
 * Other processes' writes reach the cache through SheetChanges, later.
 */
@EventsHandler(CommandSettled)
export class SheetViewInvalidation implements IEventHandler<CommandSettled> {
  constructor(private readonly views: SheetViewCache) {}

  handle(settled: CommandSettled): void {
    if (settled.aggregate === 'sheet') this.views.drop(settled.id);
  }
}
