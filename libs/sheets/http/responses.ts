import { z } from 'zod';
import { named } from '@shinchoku/http';

/** The response shapes of sheets, indicators and ward plans: one source for the handlers' types and for OpenAPI. */

const isoDate = z.string().meta({ format: 'date' });
const instant = z.string().meta({ format: 'date-time' });
const quarter = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);
const rating = z.enum(['○', '△', '×']);
const progressState = z.enum(['onTrack', 'atRisk', 'offTrack', 'noData']);
const sheetStatus = z.enum(['draft', 'active', 'closed']);
const comparator = z.enum(['gte', 'lte', 'eq']);

const measurement = z.object({ text: z.string(), value: z.number().optional(), unit: z.string().optional() });
const recorded = z.object({ value: measurement, note: z.string().optional(), reason: z.string().optional() });
const ratingProfile = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('allIndicatorsMet') }),
  z.object({ kind: z.literal('achievementBands'), bands: z.array(z.object({ minRate: z.number(), rating })) }),
]);
const target = z.object({
  kind: z
    .enum(['numeric', 'share', 'milestone', 'direction', 'coverage', 'perCapita', 'freeText'])
    .meta({ description: 'How the target was read; the other fields depend on it.' }),
  text: z.string().meta({ description: 'The target exactly as written.' }),
  comparator: comparator.optional(),
  value: z.number().optional(),
  unit: z.string().optional(),
  label: z.string().optional(),
  note: z.string().optional(),
  threshold: z.object({ comparator, value: z.number(), unit: z.string().optional() }).optional(),
  share: z.number().optional(),
  milestone: z.string().optional(),
  direction: z.enum(['increase', 'decrease']).optional(),
  population: z.string().optional(),
  per: z.string().optional(),
});
const quarterProgress = z.object({
  quarter,
  state: progressState,
  achievementRate: z.number().optional(),
  expectedToDate: z.number().optional(),
  actualToDate: z.number().optional(),
});
const warning = z.object({
  code: z.enum(['resultDiffersFromToDate', 'toDateDecreased']),
  message: z.string(),
  result: z.number().optional(),
  toDate: z.number().optional(),
  quarter: quarter.optional(),
  value: z.number().optional(),
  previousQuarter: quarter.optional(),
  previous: z.number().optional(),
});

export const indicatorView = named(
  'Indicator',
  '指標: what is measured, its target (R6目標), the quarters’ progress and the year’s result, with what follows from them. `unit` here is the measurement unit (単位: 件, 人, %).',
  z.object({
    indicatorId: z.uuid(),
    name: z.string(),
    unit: z.string().optional().meta({ description: 'The measurement unit (単位), not the org unit.' }),
    measure: z.enum(['cumulative', 'level']),
    progressEntry: z.enum(['toDate', 'quarter']).nullable(),
    baselines: z.array(z.object({ fiscalYear: z.number().int(), actual: measurement })),
    notes: z.string().optional(),
    target: target.optional(),
    progress: z.object({ 1: recorded.optional(), 2: recorded.optional(), 3: recorded.optional(), 4: recorded.optional() }),
    result: recorded.optional(),
    achievement: z.object({ status: z.enum(['met', 'notMet', 'undetermined']), achievementRate: z.number().optional() }).nullable(),
    progressState: z.object({ latest: quarterProgress.nullable(), quarters: z.array(quarterProgress) }),
    warnings: z.array(warning),
  }),
);

const goalView = named(
  'Goal',
  '目標: numbered, with its initiatives (取組), indicators and evaluation.',
  z.object({
    goalId: z.uuid(),
    no: z.number().int(),
    text: z.string(),
    priorityGoalNo: z.number().int().optional(),
    planRefs: z.array(z.string()),
    initiatives: z.array(z.object({ name: z.string(), description: z.string().optional() })),
    indicators: z.array(indicatorView),
    evaluation: z
      .object({
        rating,
        suggestedRating: rating.nullable(),
        status: z.string().optional(),
        policy: z.string().optional(),
        reason: z.string().optional(),
        evaluatedOn: isoDate,
      })
      .optional(),
    suggestedRating: rating.nullable(),
    progressState,
  }),
);

const sheetFields = {
  sheetId: z.uuid(),
  version: z.number().int().min(1).meta({ description: 'The sheet’s version, also sent as the ETag.' }),
  fiscalYear: z.number().int(),
  fiscalYearLabel: z.string().meta({ description: '令和6年度 and so on.' }),
  department: z.string().meta({ description: 'The department (区, 局/部).' }),
  unit: z.string().meta({ description: 'The org unit (課) whose sheet this is.' }),
  status: sheetStatus,
  purpose: z.string().optional(),
  policyIndicators: z.array(z.string()),
  contact: z.string().optional(),
  createdOn: isoDate,
  amendedOn: isoDate.optional(),
  evaluationDate: isoDate.optional(),
  approach: z.string().optional(),
  resultSummary: z.string().optional(),
  ratingProfile,
  goals: z.array(goalView),
};

export const sheetView = named(
  'Sheet',
  '組織目標管理シート: one org unit’s goals for a fiscal year, as people read it; with `asOf` when a past version was asked for.',
  z.object({
    ...sheetFields,
    asOf: instant.optional().meta({ description: 'Only on a past sheet: the instant asked for, or when the asked version was recorded.' }),
  }),
);

export const sheetVersion = named(
  'SheetVersion',
  'The sheet a command changed and the version it is at now (also the ETag).',
  z.object({ sheetId: z.uuid(), version: z.number().int().min(1) }),
);
export const goalAdded = named(
  'GoalAdded',
  'The new goal’s id and the sheet’s version.',
  z.object({ goalId: z.uuid(), version: z.number().int().min(1) }),
);
export const indicatorDefined = named(
  'IndicatorDefined',
  'The new indicator’s id and the sheet’s version.',
  z.object({ indicatorId: z.uuid(), version: z.number().int().min(1) }),
);

const nextCursor = z
  .string()
  .nullable()
  .meta({ description: 'Opaque: pass it back unchanged as `cursor` for the next page; null on the last page.' });

export const sheetList = named(
  'SheetList',
  'A page of sheets.',
  z.object({
    items: z.array(
      z.object({
        sheetId: z.uuid(),
        version: z.number().int().min(1),
        fiscalYear: z.number().int(),
        fiscalYearLabel: z.string(),
        department: z.string(),
        unit: z.string().meta({ description: 'The org unit (課).' }),
        status: sheetStatus,
        evaluationDate: isoDate.nullable(),
        progressState,
        goals: z.number().int().meta({ description: 'How many goals.' }),
        evaluated: z.number().int().meta({ description: 'How many of them are evaluated.' }),
      }),
    ),
    nextCursor,
  }),
);

export const indicatorList = named(
  'IndicatorList',
  'A page of indicators across sheets. `orgUnit` is the 課 whose sheet holds the indicator, `measurementUnit` what it is counted in.',
  z.object({
    items: z.array(
      z.object({
        ...indicatorView.omit({ unit: true }).shape,
        sheetId: z.uuid(),
        fiscalYear: z.number().int(),
        department: z.string(),
        orgUnit: z.string().meta({ description: 'The org unit (課) whose sheet holds the indicator.' }),
        unit: z.string().meta({ description: 'Deprecated: the same as `orgUnit` (kept for clients written before it).', deprecated: true }),
        measurementUnit: z
          .string()
          .nullable()
          .meta({ description: 'What the indicator is counted in (件, 人, %); null when it has none.' }),
        sheetStatus,
        goalId: z.uuid(),
        goalNo: z.number().int(),
        goalText: z.string(),
        goalRating: rating.nullable(),
      }),
    ),
    nextCursor,
  }),
);

const auditEntry = z.object({
  version: z.number().int().meta({ description: 'The stream version after the command.' }),
  fromVersion: z.number().int().meta({ description: 'The first version the command wrote.' }),
  at: instant,
  actor: z.object({ id: z.string(), name: z.string() }),
  command: z.string(),
  events: z.array(z.string()),
  reason: z.string().optional(),
  source: z.string(),
  commandId: z.string(),
  forced: z.object({ sinceVersion: z.number().int() }).optional(),
  changes: z.array(z.object({ path: z.string(), before: z.unknown(), after: z.unknown() })),
});

export const auditTrail = named(
  'AuditTrail',
  'Who changed what on the sheet, when, why and through what: one entry per command.',
  z.object({ sheetId: z.uuid(), items: z.array(auditEntry) }),
);

/** A ward plan's year-end evaluation (達成数, 取組結果, 今後の方向性), as the ward stated it. */
export const wardPlanEvaluation = z.object({
  goalCount: z.number().int(),
  achievedCount: z.number().int(),
  status: z.string().optional(),
  direction: z.string().optional(),
  evaluatedOn: isoDate,
});

export const eventList = named(
  'EventList',
  'The sheet’s events as stored: facts, oldest first, never edited.',
  z.object({
    items: z.array(
      z.object({
        eventId: z.uuid(),
        version: z.number().int(),
        type: z.string(),
        schemaVersion: z.number().int(),
        data: z.unknown().meta({ type: 'object', description: 'The event’s facts, as its type and schema version define them.' }),
        metadata: z.object({
          actor: z.object({ id: z.string(), name: z.string() }),
          commandId: z.string(),
          correlationId: z.string(),
          causationId: z.string().optional(),
          reason: z.string().optional(),
          source: z.string(),
          document: z.object({ name: z.string(), sha256: z.string() }).optional(),
          forced: z.object({ sinceVersion: z.number().int() }).optional(),
        }),
        recordedAt: instant,
      }),
    ),
  }),
);

const wardPlanFields = {
  wardPlanId: z.uuid(),
  department: z.string(),
  fiscalYear: z.number().int(),
  fiscalYearLabel: z.string(),
  headName: z.string().optional(),
  purpose: z.string().optional(),
  introduction: z.string().optional(),
  priorityGoals: z.array(z.object({ no: z.number().int(), text: z.string() })),
  evaluation: wardPlanEvaluation.optional(),
  version: z.number().int().min(1),
};

export const wardPlan = named(
  'WardPlan',
  '区 組織目標: a ward’s 区長, purpose and numbered 重点目標, and its evaluation.',
  z.object(wardPlanFields),
);
export const wardPlanList = named('WardPlanList', 'Ward plans.', z.object({ items: z.array(wardPlan) }));
export const wardPlanVersion = named(
  'WardPlanVersion',
  'The ward plan a command changed and the version it is at now.',
  z.object({ wardPlanId: z.uuid(), version: z.number().int().min(1) }),
);
