import { z } from 'zod';
import { named } from '@shinchoku/http';
import { wardPlanEvaluation } from '@shinchoku/sheets';

/** The response shapes of the summaries: one source for the handlers' types and for OpenAPI. */

const rating = z.enum(['○', '△', '×']);
const updatedThrough = z.string().nullable().meta({
  format: 'date-time',
  description: 'How far the summaries processor has read: changes recorded after it are not in this answer yet. Null before its first run.',
});

export const wardSummary = named(
  'WardSummary',
  'One ward’s year at a glance: 重点目標 with 目標数 / 達成数, ratings, and indicators at risk. Right after sheets are created it may be empty or partial until the processor catches up (see `updatedThrough`).',
  z.object({
    ward: z.string(),
    fiscalYear: z.number().int(),
    fiscalYearLabel: z.string(),
    wardPlanId: z.uuid().nullable(),
    goalCount: z.number().int(),
    achievedCount: z.number().int(),
    priorityGoals: z.array(
      z.object({
        no: z.number().int(),
        text: z.string(),
        goals: z.array(
          z.object({ sheetId: z.uuid(), unit: z.string(), goalNo: z.number().int(), text: z.string(), rating: rating.nullable() }),
        ),
        achieved: z.boolean(),
      }),
    ),
    statedEvaluation: wardPlanEvaluation.nullable(),
    sheets: z.number().int(),
    ratings: z.object({ '○': z.number().int(), '△': z.number().int(), '×': z.number().int(), unevaluated: z.number().int() }),
    indicatorsAtRisk: z.array(
      z.object({
        sheetId: z.uuid(),
        unit: z.string().meta({ description: 'The org unit (課).' }),
        goalNo: z.number().int(),
        indicator: z.string(),
        quarter: z.number().int().min(1).max(4),
        state: z.enum(['atRisk', 'offTrack']),
        achievementRate: z.number().optional(),
      }),
    ),
    updatedThrough,
  }),
);

const quarterCompletion = z.object({ recorded: z.number().int(), missing: z.array(z.string()), due: z.boolean() });

export const fiscalYearSummary = named(
  'FiscalYearSummary',
  'Every unit’s quarterly progress for the year: which quarters are missing where, and which of them are already due.',
  z.object({
    fiscalYear: z.number().int(),
    fiscalYearLabel: z.string(),
    units: z.array(
      z.object({
        ward: z.string(),
        sheetId: z.uuid(),
        department: z.string(),
        unit: z.string().meta({ description: 'The org unit (課).' }),
        indicators: z.number().int(),
        quarters: z.object({ 1: quarterCompletion, 2: quarterCompletion, 3: quarterCompletion, 4: quarterCompletion }),
      }),
    ),
    overdue: z.array(
      z.object({ ward: z.string(), unit: z.string(), sheetId: z.uuid(), quarter: z.number().int(), missing: z.array(z.string()) }),
    ),
    updatedThrough,
  }),
);
