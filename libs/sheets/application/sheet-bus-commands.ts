import type { SheetCommand } from '../domain/sheet.commands';
import type { WardPlanCommand } from '../domain/ward-plan';
import { commandsOf, handlerOf } from './aggregate-command';
import { SheetCommands, WardPlanCommands } from './sheet-commands';

/** One class per command on the CommandBus, named as the decider names it; each has one handler below. */
const sheetCommand = commandsOf<SheetCommand>();
export class CreateSheet extends sheetCommand('CreateSheet') {}
export class ReviseSheet extends sheetCommand('ReviseSheet') {}
export class AddGoal extends sheetCommand('AddGoal') {}
export class ReviseGoal extends sheetCommand('ReviseGoal') {}
export class RemoveGoal extends sheetCommand('RemoveGoal') {}
export class DefineIndicator extends sheetCommand('DefineIndicator') {}
export class ReviseIndicator extends sheetCommand('ReviseIndicator') {}
export class SetTarget extends sheetCommand('SetTarget') {}
export class RecordProgress extends sheetCommand('RecordProgress') {}
export class RecordResult extends sheetCommand('RecordResult') {}
export class SetEvaluationDate extends sheetCommand('SetEvaluationDate') {}
export class Evaluate extends sheetCommand('Evaluate') {}
export class CloseSheet extends sheetCommand('CloseSheet') {}
export class ReopenSheet extends sheetCommand('ReopenSheet') {}
export class RecordReminder extends sheetCommand('RecordReminder') {}

const wardPlanCommand = commandsOf<WardPlanCommand>();
export class CreateWardPlan extends wardPlanCommand('CreateWardPlan') {}
export class RevisePriorityGoals extends wardPlanCommand('RevisePriorityGoals') {}
export class EvaluateWardPlan extends wardPlanCommand('EvaluateWardPlan') {}

export const SHEET_COMMAND_HANDLERS = [
  ...[
    CreateSheet,
    ReviseSheet,
    AddGoal,
    ReviseGoal,
    RemoveGoal,
    DefineIndicator,
    ReviseIndicator,
    SetTarget,
    RecordProgress,
    RecordResult,
    SetEvaluationDate,
    Evaluate,
    CloseSheet,
    ReopenSheet,
    RecordReminder,
  ].map((command) => handlerOf<SheetCommand>(command, SheetCommands)),
  ...[CreateWardPlan, RevisePriorityGoals, EvaluateWardPlan].map((command) => handlerOf<WardPlanCommand>(command, WardPlanCommands)),
];
