import { Inject, type Type } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandOutcome, CommandRunner, CommandSource, Undated } from './command-runner';

/** A command on the CommandBus: which stream (the aggregate's id), what to do, and who asks. */
export abstract class AggregateCommand<C extends { type: string; today: string }> extends Command<CommandOutcome> {
  constructor(
    readonly id: string,
    readonly command: Undated<C>,
    readonly from: CommandSource,
  ) {
    super();
  }
}

type FieldsOf<C, T> = Omit<Extract<C, { type: T }>, 'type' | 'today'>;

/**
 * The bus's classes for an aggregate's commands: `commandsOf<SheetCommand>()('RecordProgress')` is
 * the base of the class RecordProgress, constructed from the id, the command's fields and its source.
 */
export function commandsOf<C extends { type: string; today: string }>() {
  return <T extends C['type']>(type: T) =>
    class extends AggregateCommand<C> {
      constructor(id: string, fields: FieldsOf<C, T>, from: CommandSource) {
        super(id, { type, ...fields } as unknown as Undated<C>, from);
      }
    };
}

/** What a handler needs of a runner: `run`, whatever the aggregate's state (which only the runner sees). */
type Runs<C extends { type: string; today: string }> = Pick<CommandRunner<unknown, C, { type: string; data: unknown }>, 'run'>;

/**
 * The @CommandHandler of one command class: hands it to its aggregate's runner, which loads the
 * stream, decides and appends, inside the command policies (see CommandRunner).
 */
export function handlerOf<C extends { type: string; today: string }>(
  command: new (...args: never[]) => AggregateCommand<C>,
  runner: Type<Runs<C>>,
): Type<ICommandHandler<AggregateCommand<C>>> {
  @CommandHandler(command)
  class Handler implements ICommandHandler<AggregateCommand<C>> {
    constructor(@Inject(runner) private readonly runner: Runs<C>) {}

    execute({ id, command, from }: AggregateCommand<C>): Promise<CommandOutcome> {
      return this.runner.run(id, command, from);
    }
  }
  Object.defineProperty(Handler, 'name', { value: `${command.name}Handler` });
  return Handler;
}
