import { fiscalYearLabel, type Quarter } from '@shinchoku/municipality';
import { indicatorProgress, ProgressState, type Sheet, type WardPlan } from '@shinchoku/sheets/domain';
import type { Rating } from '@shinchoku/sheets/domain';

export interface PriorityGoalSummary {
  no: number;
  text: string;
  /** Unit goals that name this 重点目標 as their 部区組織目標. */
  goals: Array<{ sheetId: string; unit: string; goalNo: number; text: string; rating: Rating | null }>;
  /** Achieved when it has linked goals and every one of them is rated ○. */
  achieved: boolean;
}

export interface IndicatorAtRisk {
  sheetId: string;
  unit: string;
  goalNo: number;
  indicator: string;
  quarter: Quarter;
  state: Extract<ProgressState, 'atRisk' | 'offTrack'>;
  achievementRate?: number;
}

/** One ward's year at a glance: 重点目標 with 目標数 / 達成数, ratings, and what is at risk. */
export interface WardSummary {
  ward: string;
  fiscalYear: number;
  fiscalYearLabel: string;
  wardPlanId: string | null;
  /** 目標数 and 達成数 as derived from the unit sheets (the ward's own evaluation may state otherwise). */
  goalCount: number;
  achievedCount: number;
  priorityGoals: PriorityGoalSummary[];
  /** The ward plan's own 評価, when given. */
  statedEvaluation: NonNullable<WardPlan['evaluation']> | null;
  sheets: number;
  ratings: { '○': number; '△': number; '×': number; unevaluated: number };
  indicatorsAtRisk: IndicatorAtRisk[];
}

export function wardSummary(ward: string, fiscalYear: number, plan: WardPlan | undefined, sheets: readonly Sheet[]): WardSummary {
  const ordered = [...sheets].sort((a, b) => a.unit.localeCompare(b.unit, 'ja'));
  const goals = ordered.flatMap((sheet) => sheet.goals.map((goal) => ({ sheet, goal })));
  const priorityGoals = (plan?.priorityGoals ?? []).map((priority) => {
    const linked = goals
      .filter(({ goal }) => goal.priorityGoalNo === priority.no)
      .map(({ sheet, goal }) => ({
        sheetId: sheet.sheetId,
        unit: sheet.unit,
        goalNo: goal.no,
        text: goal.text,
        rating: goal.evaluation?.rating ?? null,
      }));
    return { ...priority, goals: linked, achieved: linked.length > 0 && linked.every((g) => g.rating === '○') };
  });
  const ratings = { '○': 0, '△': 0, '×': 0, unevaluated: 0 };
  for (const { goal } of goals) ratings[goal.evaluation?.rating ?? 'unevaluated'] += 1;

  const indicatorsAtRisk: IndicatorAtRisk[] = [];
  for (const { sheet, goal } of goals) {
    for (const indicator of goal.indicators) {
      const latest = indicatorProgress(indicator).latest;
      if (latest && (latest.state === 'atRisk' || latest.state === 'offTrack')) {
        indicatorsAtRisk.push({
          sheetId: sheet.sheetId,
          unit: sheet.unit,
          goalNo: goal.no,
          indicator: indicator.name,
          quarter: latest.quarter,
          state: latest.state,
          ...(latest.achievementRate !== undefined && { achievementRate: latest.achievementRate }),
        });
      }
    }
  }

  return {
    ward,
    fiscalYear,
    fiscalYearLabel: fiscalYearLabel(fiscalYear),
    wardPlanId: plan?.wardPlanId ?? null,
    goalCount: priorityGoals.length,
    achievedCount: priorityGoals.filter((p) => p.achieved).length,
    priorityGoals,
    statedEvaluation: plan?.evaluation ?? null,
    sheets: ordered.length,
    ratings,
    indicatorsAtRisk,
  };
}

export interface UnitCompletion {
  sheetId: string;
  department: string;
  unit: string;
  indicators: number;
  /** Per quarter: how many indicators have a value, and the names of those that do not. */
  quarters: Record<Quarter, { recorded: number; missing: string[] }>;
}

export function unitCompletion(sheet: Sheet): UnitCompletion {
  const indicators = sheet.goals.flatMap((goal) => goal.indicators);
  const quarter = (q: Quarter) => {
    const missing = indicators.filter((i) => !i.progress[q]).map((i) => i.name);
    return { recorded: indicators.length - missing.length, missing };
  };
  return {
    sheetId: sheet.sheetId,
    department: sheet.department,
    unit: sheet.unit,
    indicators: indicators.length,
    quarters: { 1: quarter(1), 2: quarter(2), 3: quarter(3), 4: quarter(4) },
  };
}
