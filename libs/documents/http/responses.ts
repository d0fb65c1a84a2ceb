import { z } from 'zod';
import { named } from '@shinchoku/http';

/** The response shape of an import: one source for the handler's type and for OpenAPI. */

export const importReport = named(
  'ImportReport',
  'What an import created or changed (or, as a dry run, would): counts, and the cells changed by others since the workbook was exported.',
  z.object({
    file: z.string(),
    sha256: z.string(),
    format: z.enum(['published-text', 'xlsx']),
    sheets: z.number().int(),
    goals: z.number().int(),
    indicators: z.number().int(),
    wardPlans: z.number().int(),
    priorityGoals: z.number().int(),
    commands: z
      .number()
      .int()
      .meta({ description: 'Commands that changed something (or would, in a dry run); 0 when the same file is imported again.' }),
    events: z.number().int(),
    conflicts: z.array(
      z.object({
        sheetId: z.uuid(),
        department: z.string(),
        unit: z.string().meta({ description: 'The org unit (課).' }),
        goalNo: z.number().int().optional(),
        goalId: z.uuid().optional(),
        indicatorId: z.uuid().optional(),
        indicator: z.string().optional(),
        field: z
          .string()
          .meta({ description: "'progress', 'result', 'target', 'evaluation', or the name of a sheet, goal or indicator field" }),
        quarter: z.number().int().min(1).max(4).optional(),
        exportedVersion: z.number().int(),
        workbook: z.string().nullable(),
        current: z.string().nullable(),
        changedBy: z.object({ id: z.string(), name: z.string() }),
        changedAt: z.string().meta({ format: 'date-time' }),
        changedInVersion: z.number().int(),
      }),
    ),
    dryRun: z.literal(true).optional(),
  }),
);
