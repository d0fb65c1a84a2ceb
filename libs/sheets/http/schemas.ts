import { z } from 'zod';
import { uuid, wholeNumberText } from '@shinchoku/http';
import { isValidIsoDate } from '@shinchoku/municipality';

/** The request shapes: one source for validation (400 with the field and reason) and for OpenAPI. */

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const optionalText = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const NAME = 200;
const LINE = 2_000;
const NARRATIVE = 20_000;

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine(isValidIsoDate, 'is not a real calendar date')
  .meta({ format: 'date' });

const fiscalYear = z.number().int('must be a whole year').min(1989, 'must be 1989 or later').max(2100, 'must be 2100 or earlier');
const rating = z.enum(['○', '△', '×'], { error: 'must be ○, △ or ×' });
const measure = z.enum(['cumulative', 'level'], { error: "must be 'cumulative' or 'level'" });
const progressEntry = z.enum(['toDate', 'quarter'], { error: "must be 'toDate' (each quarter's figure is the total so far) or 'quarter'" });
const value = z.union([z.number().finite(), text(LINE)], { error: 'must be a number or text' });
const goalNo = z.number().int('must be a whole number').min(1, 'must be 1 or more').max(999);

const ratingProfile = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('allIndicatorsMet') }).strict(),
  z
    .object({
      kind: z.literal('achievementBands'),
      bands: z
        .array(z.object({ minRate: z.number().min(0).max(100), rating }).strict())
        .min(1, 'needs at least one band')
        .max(10),
    })
    .strict(),
]);

const initiative = z.object({ name: text(LINE), description: optionalText(NARRATIVE).optional() }).strict();
const baseline = z.object({ fiscalYear, actual: value }).strict();
const priorityGoal = z.object({ no: goalNo, text: text(LINE) }).strict();

const atLeastOne = <T extends z.ZodRawShape>(shape: T) =>
  z
    .object(shape)
    .partial()
    .strict()
    .refine((o) => Object.values(o).some((v) => v !== undefined), 'name at least one field to change')
    .meta({ minProperties: 1 });

const sheetDetails = {
  purpose: optionalText(NARRATIVE),
  policyIndicators: z.array(text(LINE)).max(50),
  contact: optionalText(NAME),
  approach: optionalText(NARRATIVE),
  resultSummary: optionalText(NARRATIVE),
  ratingProfile,
};

export const createSheetBody = z
  .object({
    fiscalYear,
    department: text(NAME),
    unit: text(NAME),
    purpose: sheetDetails.purpose.optional(),
    policyIndicators: sheetDetails.policyIndicators.optional(),
    contact: sheetDetails.contact.optional(),
    createdOn: isoDate.optional(),
    evaluationDate: isoDate.optional(),
    approach: sheetDetails.approach.optional(),
    ratingProfile: ratingProfile.optional(),
  })
  .strict();

export const reviseSheetBody = atLeastOne(sheetDetails);

const goalDetails = {
  no: goalNo,
  text: text(LINE),
  priorityGoalNo: goalNo,
  planRefs: z.array(text(NAME)).max(20),
  initiatives: z.array(initiative).max(30),
};

export const addGoalBody = z
  .object({
    no: goalNo.optional(),
    text: goalDetails.text,
    priorityGoalNo: goalNo.optional(),
    planRefs: goalDetails.planRefs.optional(),
    initiatives: goalDetails.initiatives.optional(),
  })
  .strict();

export const reviseGoalBody = atLeastOne(goalDetails);

const indicatorDetails = {
  name: text(LINE),
  unit: text(NAME),
  measure,
  progressEntry,
  baselines: z.array(baseline).max(10),
  notes: optionalText(NARRATIVE),
};

export const defineIndicatorBody = z
  .object({
    name: indicatorDetails.name,
    unit: indicatorDetails.unit.optional(),
    measure: measure.optional(),
    progressEntry: progressEntry.optional(),
    baselines: indicatorDetails.baselines.optional(),
    notes: indicatorDetails.notes.optional(),
    target: text(LINE).optional(),
  })
  .strict();

export const reviseIndicatorBody = atLeastOne(indicatorDetails);
export const setTargetBody = z.object({ text: text(LINE) }).strict();
export const recordBody = z.object({ value, note: optionalText(LINE).optional(), reason: optionalText(LINE).optional() }).strict();
export const setEvaluationDateBody = z.object({ date: isoDate }).strict();
export const evaluateBody = z
  .object({
    rating,
    status: optionalText(NARRATIVE).optional(),
    policy: optionalText(NARRATIVE).optional(),
    reason: optionalText(LINE).optional(),
  })
  .strict();
export const reopenBody = z.object({ reason: text(LINE) }).strict();

/** A fiscal year in a path or query, written as plain digits. */
export const fiscalYearText = wholeNumberText(1989, 2100, 'must be a fiscal year from 1989 to 2100, such as 2024');

export const listQuery = z
  .object({
    fiscalYear: fiscalYearText.optional(),
    department: text(NAME).optional(),
    unit: text(NAME).optional(),
    status: z.enum(['draft', 'active', 'closed'], { error: "must be 'draft', 'active' or 'closed'" }).optional(),
    rating: z.enum(['○', '△', '×', 'unevaluated'], { error: "must be ○, △, × or 'unevaluated'" }).optional(),
    progressState: z
      .enum(['onTrack', 'atRisk', 'offTrack', 'noData'], { error: "must be 'onTrack', 'atRisk', 'offTrack' or 'noData'" })
      .optional(),
    limit: wholeNumberText(1, 200, 'must be 1 to 200').default(50),
    cursor: z
      .string()
      .max(1000)
      .optional()
      .meta({ description: 'Opaque: the `nextCursor` of the previous page, passed back unchanged. Anything else is 400.' }),
  })
  .strict();

export const quarterParam = wholeNumberText(1, 4, 'must be 1, 2, 3 or 4');
export const idParam = uuid;

export const createWardPlanBody = z
  .object({
    department: text(NAME),
    fiscalYear,
    headName: text(NAME).optional(),
    purpose: optionalText(NARRATIVE).optional(),
    introduction: optionalText(NARRATIVE).optional(),
    priorityGoals: z.array(priorityGoal).max(30),
  })
  .strict();
export const revisePriorityGoalsBody = z.object({ priorityGoals: z.array(priorityGoal).max(30) }).strict();
export const evaluateWardPlanBody = z
  .object({
    achievedCount: z.number().int('must be a whole number').min(0, 'must be 0 or more'),
    status: optionalText(NARRATIVE).optional(),
    direction: optionalText(NARRATIVE).optional(),
  })
  .strict();
export const listWardPlansQuery = z.object({ department: text(NAME).optional(), fiscalYear: fiscalYearText.optional() }).strict();

export const asOfQuery = z
  .object({
    asOf: z.iso
      .datetime({ offset: true, error: 'must be an ISO timestamp such as 2024-07-01T09:00:00+09:00' })
      .optional()
      .meta({ description: 'The sheet as it was at this instant. Not together with `version` (400).' }),
    version: wholeNumberText(1, Number.MAX_SAFE_INTEGER, 'must be a version number, 1 or more')
      .optional()
      .meta({ description: 'The sheet as it was at this version. Not together with `asOf` (400).' }),
  })
  .strict()
  .refine((q) => q.asOf === undefined || q.version === undefined, 'ask for asOf or version, not both');

export const auditQuery = z
  .object({
    actor: text(NAME).optional(),
    from: z.iso.datetime({ offset: true, error: 'must be an ISO timestamp' }).optional(),
    to: z.iso.datetime({ offset: true, error: 'must be an ISO timestamp' }).optional(),
    format: z.enum(['json', 'csv'], { error: "must be 'json' or 'csv'" }).default('json'),
  })
  .strict();
