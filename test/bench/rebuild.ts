/**
 * Rebuild throughput and historical reads on a large store: generates a year's work of unit sheets
 * shaped like the seed sheets (西区 地域課, 東区 健康福祉課) with a ward plan (東区) per ward and
 * year, across 1,700 wards, fiscal year after fiscal year until the store holds BENCH_EVENTS
 * events; then runs `shinchoku rebuild <projection>` for each projection alone, then
 * `shinchoku rebuild all`, each as a process of its own exactly as `npm run rebuild` runs it (all:
 * the current state, then reminders, in that process, the summaries in a second one at the same
 * time), and prints events/s from start to exit, the CPU time of every Node process of the command
 * and of the Postgres backends serving it (with other work on the machine, wall time alone
 * misleads), and the largest peak RSS of its processes; then, with that store in place, times
 * `asOf` and `audit` reads of one typical sheet: in-process (the server's work, in this process)
 * and over HTTP from `shinchoku start --api` started fresh in a process of its own, as a user meets
 * it, with that process's CPU per read. Prints figures; asserts nothing.
 *
 *   BENCH_DATABASE_URL    admin URL (default postgres://postgres@127.0.0.1:5432/postgres); a fresh
 *                         database is created next to it and dropped at the end
 *   BENCH_EVENTS          events to generate, at least (default 1000000)
 *   BENCH_WRITERS         concurrent writers loading the store, each on its own stream (default 8)
 *   BENCH_LOAD            session (default): one statement per session of commands, or store: one
 *                         EventStore.append per command (same events; ~2.5× slower to load here)
 *   BENCH_READS           measured reads per kind, after 20 warm-up reads (default 200)
 *   PROCESSOR_BATCH_SIZE  the processors' batch size, as in production (default: the config's)
 *   BENCH_BATCH_SIZES     optional, e.g. 100,500,2000: after the rebuild, rebuild summaries again
 *                         by replaying the feed in batches of each size (as a processor without
 *                         byStream rebuilds) and print a row for each
 *
 * The events are the real deciders' output (decide / decideWardPlan, folded with evolve), one
 * append_events call per command as the command runner makes it (its own commandId, reason in the
 * metadata, expected version), so the hash chains, timestamps and audit groups are real. A sheet's
 * year is played phase by phase across all sheets (set-up in April, progress each quarter with a
 * correction or two, results, evaluation and closing); in each phase every stream has one session
 * (the commands one person enters at a sitting), sessions shuffled, so the feed interleaves many
 * streams and wards as an office's would. By default a session's commands go in one statement and
 * commit together (a million events load in about two minutes on 2 cores, against five or six one
 * command per round trip). The load's connections commit with synchronous_commit=off (loading is
 * set-up, not what is measured); the rebuild and the reads use the application's own pool with the
 * server's settings. The load does not write the inline projection: the rebuild creates it, into
 * empty tables. After the load, VACUUM ANALYZE puts the tables in the state a long-lived database
 * is in.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import { withScratchDatabase } from './scratch-database';
import { table } from './table';
import { loadConfig, openResources } from '@shinchoku/system';
import type { Database } from '@shinchoku/database';
import { EventStore } from '@shinchoku/event-store';
import type { AppendContext, NewEvent } from '@shinchoku/event-store';
import { ProcessorRunner } from '@shinchoku/processors';
import { systemClock } from '@shinchoku/runtime';
import { SheetCommands } from '@shinchoku/sheets';
import { auditTrail } from '@shinchoku/sheets/domain/audit';
import type { Rating } from '@shinchoku/sheets/domain/assessment';
import { DomainError } from '@shinchoku/sheets/domain/errors';
import { parseMeasurement } from '@shinchoku/sheets/domain/measurement';
import type { SheetCommand } from '@shinchoku/sheets/domain/sheet.commands';
import { decide, inferMeasure } from '@shinchoku/sheets/domain/sheet.decide';
import { evolve } from '@shinchoku/sheets/domain/sheet.evolve';
import type { Sheet } from '@shinchoku/sheets/domain/sheet.types';
import { suggestedRatingOf, viewOf } from '@shinchoku/sheets/domain/sheet.view';
import { parseTarget } from '@shinchoku/sheets/domain/target';
import { decideWardPlan, evolveWardPlan, WardPlan, WardPlanCommand } from '@shinchoku/sheets/domain/ward-plan';
import { summariesProcessor } from '@shinchoku/summaries';
import { REBUILDABLE } from '../../apps/shinchoku/src/rebuild';
import { SeedIndicator, SeedSheet, 東区WardPlan, 東区健康福祉課, 西区地域課 } from '../fixtures/seed-sheets';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 8);
const LOAD = process.env.BENCH_LOAD === 'store' ? 'store' : 'session';
const READS = Number(process.env.BENCH_READS ?? 200);
const BATCH_SIZES = (process.env.BENCH_BATCH_SIZES ?? '')
  .split(',')
  .filter((s) => s.trim() !== '')
  .map(Number);
const WARMUP_READS = 20;
const WARDS = 1_700;
const UNITS_PER_WARD = 5;
const FIRST_FISCAL_YEAR = 2022;
const GOALS = { rebuild: 20_000, read: 20 } as const;

const TOKEN = 'bench-admin-token-012345';
const context: AppendContext = { actor: { id: 'bench', name: 'ベンチマーク' }, source: 'bench' };

// ---- what the store holds: wards, units, and a year of each unit's sheet ----

/** Deterministic, so every run generates the same store (ids aside). */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(20240401);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** 1,700 distinct ward names: 東区, 東山区, 青葉台区, … */
function wardNames(): string[] {
  const heads = [
    '東',
    '西',
    '南',
    '北',
    '中央',
    '港',
    '緑',
    '青葉',
    '泉',
    '若葉',
    '宮城',
    '太白',
    '秋葉',
    '江南',
    '清田',
    '手稲',
    '厚別',
    '白石',
    '豊平',
    '花見川',
    '美浜',
    '稲毛',
    '鶴見',
    '戸塚',
    '栄',
    '旭',
    '保土ケ谷',
    '磯子',
    '金沢',
    '港北',
    '都筑',
    '麻生',
    '多摩',
    '宮前',
    '高津',
    '幸',
    '川口',
    '浦和',
    '岩槻',
    '見沼',
    '桜',
    '大宮',
    '中原',
    '天王寺',
    '浪速',
  ];
  const tails = [
    '',
    '山',
    '川',
    '野',
    '田',
    '浜',
    '台',
    '丘',
    '原',
    '森',
    '沢',
    '島',
    '崎',
    '谷',
    '里',
    '松',
    '瀬',
    '岡',
    '坂',
    '橋',
    '宮',
    '池',
    '井',
    '江',
    '根',
    '尾',
    '畑',
    '浦',
    '木',
    '石',
    '羽',
    '平',
    '倉',
    '城',
    '塚',
    '津',
    '町',
    '見',
    '市',
    '間',
  ];
  const names = [...new Set(tails.flatMap((tail) => heads.map((head) => `${head}${tail}区`)))];
  if (names.length < WARDS) throw new Error(`only ${names.length} ward names`);
  return names.slice(0, WARDS);
}

const UNIT_NAMES = [
  '地域課',
  '健康福祉課',
  '区民生活課',
  '総務課',
  '建設課',
  '産業振興課',
  '保健福祉センター',
  'こども家庭課',
  '市民課',
  '農政課',
];

interface Tracked<S> {
  streamId: string;
  state: S | undefined;
  version: number;
}

interface PlannedIndicator {
  indicatorId: string;
  goalId: string;
  seed: SeedIndicator;
  target: string;
  progress: [string, string, string, string];
  result: string;
  /** A second, different Q value: what a correction enters. */
  corrected: [string, string, string, string];
}

interface UnitSheet {
  kind: 'sheet';
  tracked: Tracked<Sheet>;
  fiscalYear: number;
  department: string;
  unit: string;
  shape: SeedSheet;
  goalIds: string[];
  indicators: PlannedIndicator[];
  /** Indices of the indicators whose Q1 (in the Q2 phase) and Q2 (in the Q3 phase) get corrected. */
  corrections: [number, number];
}

interface WardYear {
  kind: 'ward-plan';
  tracked: Tracked<WardPlan>;
  fiscalYear: number;
  department: string;
  revised: boolean;
}

const PHASES = ['setup', 'q1', 'q2', 'q3', 'q4', 'evaluation'] as const;
type Phase = (typeof PHASES)[number];

const formatNumber = (n: number, grouped: boolean) => (grouped ? n.toLocaleString('en-US') : String(n));

/** A target scaled to the unit's size when it is a plain number ("190", "38,120"); otherwise as written. */
function scaledTarget(text: string, scale: number): string {
  if (!/^\d{1,3}(,\d{3})*$|^\d+$/.test(text)) return text;
  const n = Math.max(1, Math.round(Number(text.replace(/,/g, '')) * scale));
  return formatNumber(n, text.includes(',') || n >= 10_000);
}

/** Quarter values and a result that meet the target or miss it by a plausible margin. */
function plannedValues(seed: SeedIndicator, target: string): Pick<PlannedIndicator, 'progress' | 'result' | 'corrected'> {
  const parsed = parseTarget(target);
  const pace = 0.75 + random() * 0.5;
  if (parsed.kind !== 'numeric') {
    const done = pace >= 0.9;
    return {
      progress: ['実施中', '実施中', '実施中', done ? '実施' : '一部実施'],
      result: done ? '実施済み' : '未実施',
      corrected: ['準備中', '準備中', '準備中', '準備中'],
    };
  }
  const grouped = parsed.value >= 10_000;
  const suffix = parsed.unit === '%' ? '%' : '';
  const format = (n: number) => `${formatNumber(n, grouped)}${suffix}`;
  if (inferMeasure(seed.name, seed.unit, target) === 'level') {
    const q = [0, 1, 2, 3].map(() => Math.round(parsed.value * pace * (0.9 + random() * 0.2)));
    return {
      progress: q.map(format) as PlannedIndicator['progress'],
      result: format(q[3]!),
      corrected: q.map((v) => format(v + 1)) as PlannedIndicator['corrected'],
    };
  }
  const weights = [0, 1, 2, 3].map(() => 0.15 + random() * 0.2);
  const sum = weights.reduce((a, b) => a + b, 0);
  const q = weights.map((w) => Math.round((parsed.value * pace * w) / sum));
  const total = q.reduce((a, b) => a + b, 0);
  return {
    progress: q.map(format) as PlannedIndicator['progress'],
    result: format(total),
    corrected: q.map((v) => format(v + 1)) as PlannedIndicator['corrected'],
  };
}

function planSheet(fiscalYear: number, ward: string, unit: string, shape: SeedSheet): UnitSheet {
  const sheetId = randomUUID();
  const scale = 0.5 + random() * 1.5;
  const goalIds = shape.goals.map(() => randomUUID());
  const indicators = shape.goals.flatMap((goal, g) =>
    goal.indicators.map((seed) => {
      const target = scaledTarget(seed.target, scale);
      return { indicatorId: randomUUID(), goalId: goalIds[g]!, seed, target, ...plannedValues(seed, target) };
    }),
  );
  const first = Math.floor(random() * indicators.length);
  const second = (first + 1 + Math.floor(random() * (indicators.length - 1))) % indicators.length;
  return {
    kind: 'sheet',
    tracked: { streamId: `sheet-${sheetId}`, state: undefined, version: 0 },
    fiscalYear,
    // Sheets name the ward office (東区役所) or the ward (西区), as the seed documents do.
    department: shape === 西区地域課 ? ward : `${ward}役所`,
    unit,
    shape,
    goalIds,
    indicators,
    corrections: [first, second],
  };
}

/** Events a unit sheet's year appends: create, goals, indicators with targets, 4 quarters + activation, 2 corrections, results, evaluation. */
const sheetEvents = (s: UnitSheet) => 1 + s.goalIds.length * 2 + s.indicators.length * 7 + 1 + 2 + 1 + 1;

const dated = (fiscalYear: number, monthDay: string, nextYear = false) => `${fiscalYear + (nextYear ? 1 : 0)}-${monthDay}`;

function sheetCommands(s: UnitSheet, phase: Phase): SheetCommand[] {
  const fy = s.fiscalYear;
  const sheetId = s.tracked.streamId.slice('sheet-'.length);
  const progress = (quarter: 1 | 2 | 3 | 4, today: string): SheetCommand[] =>
    s.indicators.map((i) => ({ type: 'RecordProgress', indicatorId: i.indicatorId, quarter, value: i.progress[quarter - 1]!, today }));
  const correction = (index: number, quarter: 1 | 2, today: string): SheetCommand => {
    const i = s.indicators[index]!;
    return {
      type: 'RecordProgress',
      indicatorId: i.indicatorId,
      quarter,
      value: i.corrected[quarter - 1]!,
      reason: '集計誤りのため訂正',
      today,
    };
  };
  switch (phase) {
    case 'setup': {
      const today = dated(fy, '04-01');
      const shift = fy - s.shape.fiscalYear;
      return [
        {
          type: 'CreateSheet',
          sheetId,
          fiscalYear: fy,
          department: s.department,
          unit: s.unit,
          ...(s.shape.purpose !== undefined && { purpose: s.shape.purpose }),
          policyIndicators: s.shape.policyIndicators,
          ...(s.shape.contact !== undefined && { contact: s.shape.contact }),
          createdOn: today,
          today,
        },
        ...s.shape.goals.map((goal, g): SheetCommand => ({
          type: 'AddGoal',
          goalId: s.goalIds[g]!,
          text: goal.text,
          ...(goal.priorityGoalNo !== undefined && { priorityGoalNo: goal.priorityGoalNo }),
          ...(goal.planRefs !== undefined && { planRefs: goal.planRefs }),
          initiatives: goal.initiatives,
          today,
        })),
        ...s.indicators.map((i): SheetCommand => ({
          type: 'DefineIndicator',
          goalId: i.goalId,
          indicatorId: i.indicatorId,
          name: i.seed.name,
          ...(i.seed.unit !== undefined && { unit: i.seed.unit }),
          ...(i.seed.notes !== undefined && { notes: i.seed.notes }),
          ...(i.seed.baselines && {
            baselines: i.seed.baselines.map((b) => ({ fiscalYear: b.fiscalYear + shift, actual: parseMeasurement(b.actual) })),
          }),
          target: i.target,
          today,
        })),
      ];
    }
    case 'q1':
      return progress(1, dated(fy, '07-10'));
    case 'q2':
      return [...progress(2, dated(fy, '10-10')), correction(s.corrections[0], 1, dated(fy, '10-12'))];
    case 'q3':
      return [...progress(3, dated(fy, '01-13', true)), correction(s.corrections[1], 2, dated(fy, '01-14', true))];
    case 'q4': {
      const today = dated(fy, '04-10', true);
      return [
        ...progress(4, today),
        ...s.indicators.map((i): SheetCommand => ({ type: 'RecordResult', indicatorId: i.indicatorId, value: i.result, today })),
      ];
    }
    case 'evaluation': {
      const today = dated(fy, '06-20', true);
      const sheet = s.tracked.state!;
      return [
        { type: 'SetEvaluationDate', date: dated(fy, '06-30', true), today },
        ...sheet.goals.map((goal): SheetCommand => {
          const suggested = suggestedRatingOf(goal, sheet.ratingProfile);
          const overruled = random() < 0.1;
          const rating: Rating = suggested === null || overruled ? pick(['○', '△', '×'] as const) : suggested;
          return {
            type: 'Evaluate',
            goalId: goal.goalId,
            rating,
            status: '計画に沿って取組を進めた。',
            policy: '引き続き取組を進める。',
            // A rating other than the suggested one needs a reason, as the decider demands.
            ...(suggested !== null && rating !== suggested && { reason: '数値に表れない取組の成果を考慮した。' }),
            today,
          };
        }),
        { type: 'CloseSheet', today },
      ];
    }
  }
}

function wardPlanCommands(w: WardYear, phase: Phase): WardPlanCommand[] {
  const fy = w.fiscalYear;
  switch (phase) {
    case 'setup':
      return [
        {
          type: 'CreateWardPlan',
          wardPlanId: w.tracked.streamId.slice('ward-plan-'.length),
          department: w.department,
          fiscalYear: fy,
          headName: 東区WardPlan.headName,
          purpose: 東区WardPlan.purpose,
          priorityGoals: 東区WardPlan.priorityGoals,
          today: dated(fy, '04-01'),
        },
      ];
    case 'q2':
      if (!w.revised) return [];
      return [
        {
          type: 'RevisePriorityGoals',
          priorityGoals: 東区WardPlan.priorityGoals.map((g) => (g.no === 5 ? { ...g, text: `${g.text}（年度途中に見直し）` } : g)),
          today: dated(fy, '10-01'),
        },
      ];
    case 'evaluation':
      return [
        {
          type: 'EvaluateWardPlan',
          achievedCount: Math.floor(random() * 6),
          status: '重点目標の多くで計画どおりの成果をあげた。',
          direction: '未達成の目標は次年度も重点的に取り組む。',
          today: dated(fy, '06-25', true),
        },
      ];
    default:
      return [];
  }
}

/** One fiscal year of the store: a ward plan and the units' sheets for each ward, until `budget` events. */
function planYear(fiscalYear: number, wards: string[], budget: number): Array<UnitSheet | WardYear> {
  const planned: Array<UnitSheet | WardYear> = [];
  let events = 0;
  for (const [w, ward] of wards.entries()) {
    if (events >= budget) break;
    const revised = random() < 0.1;
    planned.push({
      kind: 'ward-plan',
      tracked: { streamId: `ward-plan-${randomUUID()}`, state: undefined, version: 0 },
      fiscalYear,
      department: ward,
      revised,
    });
    events += revised ? 3 : 2;
    for (let u = 0; u < UNITS_PER_WARD; u++) {
      const unit = UNIT_NAMES[(w * 3 + u) % UNIT_NAMES.length]!;
      const sheet = planSheet(fiscalYear, ward, unit, u % 2 === 0 ? 西区地域課 : 東区健康福祉課);
      planned.push(sheet);
      events += sheetEvents(sheet);
    }
  }
  return planned;
}

interface Append {
  expectedVersion: number;
  events: NewEvent[];
  reason?: string;
}

/** Decides each command on the state the previous ones left, as the command runner would. */
function decideAll<S, C extends { type: string }, E extends { type: string; data: unknown }>(
  tracked: Tracked<S>,
  commands: C[],
  decider: (command: C, state: S | undefined) => E[] | DomainError,
  evolver: (state: S | undefined, event: E) => S,
): Append[] {
  return commands.map((command) => {
    const decision = decider(command, tracked.state);
    if (decision instanceof DomainError) throw new Error(`${tracked.streamId} ${command.type}: ${decision.code}: ${decision.message}`);
    if (decision.length === 0) throw new Error(`${tracked.streamId} ${command.type} changed nothing`);
    const append: Append = { expectedVersion: tracked.version, events: decision };
    const reason = (command as { reason?: string }).reason;
    if (reason) append.reason = reason;
    tracked.state = decision.reduce<S | undefined>(evolver, tracked.state);
    tracked.version += decision.length;
    return append;
  });
}

function appendsOf(item: UnitSheet | WardYear, phase: Phase): Append[] {
  return item.kind === 'sheet'
    ? decideAll(item.tracked, sheetCommands(item, phase), decide, evolve)
    : decideAll(item.tracked, wardPlanCommands(item, phase), decideWardPlan, evolveWardPlan);
}

type Writer = (streamId: string, appends: Append[]) => Promise<void>;

/** One EventStore.append per command, as the command runner makes them (without its inline projection). */
const storeWriter =
  (store: EventStore): Writer =>
  async (streamId, appends) => {
    for (const { expectedVersion, events, reason } of appends) {
      await store.append(streamId, expectedVersion, events, reason ? { ...context, reason } : context);
    }
  };

/**
 * The same appends in one round trip: one statement calls append_events once per command, in
 * order, each with its own expected version, command id and payload as EventStore.append builds
 * them; the session's commands commit together.
 */
const sessionWriter =
  (pool: Pool): Writer =>
  async (streamId, appends) => {
    const commands = appends.map(({ expectedVersion, events, reason }) => {
      const commandId = randomUUID();
      const metadata = { actor: context.actor, commandId, correlationId: commandId, ...(reason && { reason }), source: context.source };
      return {
        expectedVersion,
        events: events.map((e) => ({ eventId: randomUUID(), type: e.type, schemaVersion: 1, data: e.data, metadata })),
      };
    });
    await pool.query(
      `SELECT append_events($1, (c->>'expectedVersion')::bigint, c->'events', NULL) FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(c, n)`,
      [streamId, JSON.stringify(commands)],
    );
  };

/** Plays the years phase by phase; within a phase `writers` sessions (one stream each) run at once. */
async function load(write: Writer, writers: number, onSheet: (sheet: UnitSheet) => void) {
  const wards = wardNames();
  const tally = { events: 0, commands: 0, sheets: 0, wardPlans: 0, wards: new Set<string>(), fiscalYears: [] as number[] };
  for (let fiscalYear = FIRST_FISCAL_YEAR; tally.events < EVENTS; fiscalYear++) {
    const year = planYear(fiscalYear, wards, EVENTS - tally.events);
    tally.fiscalYears.push(fiscalYear);
    for (const phase of PHASES) {
      const sessions = shuffle([...year]);
      let next = 0;
      await Promise.all(
        Array.from({ length: writers }, async () => {
          while (next < sessions.length) {
            const item = sessions[next++]!;
            const appends = appendsOf(item, phase);
            if (appends.length === 0) continue;
            await write(item.tracked.streamId, appends);
            tally.commands += appends.length;
            for (const { events } of appends) tally.events += events.length;
          }
        }),
      );
    }
    for (const item of year) {
      if (item.kind === 'sheet') {
        tally.sheets += 1;
        onSheet(item);
      } else {
        tally.wardPlans += 1;
        tally.wards.add(item.department);
      }
    }
  }
  return tally;
}

// ---- measuring ----

const seconds = (since: number) => (performance.now() - since) / 1000;
const grouped = (n: number) => Math.round(n).toLocaleString('en-US');

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

async function timed(read: () => Promise<unknown>): Promise<{ p50: number; p99: number; max: number }> {
  for (let i = 0; i < WARMUP_READS; i++) await read();
  const samples: number[] = [];
  for (let i = 0; i < READS; i++) {
    const started = performance.now();
    await read();
    samples.push(performance.now() - started);
  }
  return percentiles(samples);
}

/** The built CLI, as `npm run rebuild` and `npm start` run it (the bench runs from dist/ too). */
const MAIN = resolve(__dirname, '../../apps/shinchoku/src/main.js');

function shinchoku(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Fields of /proc/<pid>/stat after the command name; CPU in clock ticks of 10 ms. */
const procStat = (pid: number | 'self') => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');

/** CPU seconds of this process's children and theirs, once they have exited (Linux /proc: cutime + cstime). */
const childrenCpuSeconds = () => {
  const fields = procStat('self');
  return (Number(fields[13]) + Number(fields[14])) / 100;
};

/** CPU ms so far of each Postgres backend connected to the bench database. */
async function backendCpu(pool: Pool, into = new Map<number, number>()): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  for (const { pid } of rows) {
    try {
      const fields = procStat(pid);
      into.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // gone, or not on this machine
    }
  }
  return into;
}

/** The process and its descendants, as /proc lists them now. */
function processTree(pid: number): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
    return [pid, ...children.flatMap(processTree)];
  } catch {
    return [];
  }
}

const peakRssKiB = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

interface RebuildRun {
  /** Events replayed, the most any one projection replayed (each reads the whole store). */
  events: number;
  seconds: number;
  /** Every process of the command: the CLI and the processes it starts. */
  nodeCpuSeconds: number;
  /** The Postgres backends that served it. */
  pgCpuSeconds: number;
  /** The largest peak of any one of its processes. */
  rssMiB: number;
}

/**
 * `shinchoku rebuild <names>` in a process of its own, exactly as `npm run rebuild -- <names>` runs
 * it, timed from start to exit; its log lines say how many events each projection replayed.
 */
async function rebuildCli(url: string, pool: Pool, names: string[]): Promise<RebuildRun> {
  const cpuBefore = childrenCpuSeconds();
  const backends = await backendCpu(pool);
  const before = new Map(backends);
  const started = performance.now();
  const run = shinchoku(['rebuild', ...names], {
    DATABASE_URL: url,
    QUEUE_PREFIX: 'benchrebuild',
    ...(process.env.PROCESSOR_BATCH_SIZE !== undefined && { PROCESSOR_BATCH_SIZE: process.env.PROCESSOR_BATCH_SIZE }),
  });
  // Backends and processes come and go: sampled until the command exits (a last tenth of a second of a backend may be missed).
  let rss = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      for (const pid of processTree(run.child.pid!)) {
        try {
          rss = Math.max(rss, peakRssKiB(pid));
        } catch {
          // exited meanwhile
        }
      }
      await backendCpu(pool, backends);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const code = await run.exited;
  const elapsed = seconds(started);
  sampling = false;
  await sampler;
  if (code !== 0) throw new Error(`rebuild ${names.join(' ')} exited with ${code}:\n${run.output()}`);
  const counts = [...run.output().matchAll(/rebuilt [\w-]+: (\d+) events in /g)].map((m) => Number(m[1]));
  if (counts.length === 0) throw new Error(`unexpected rebuild output:\n${run.output()}`);
  let pgMs = 0;
  for (const [pid, ms] of backends) pgMs += ms - (before.get(pid) ?? 0);
  return {
    events: Math.max(...counts),
    seconds: elapsed,
    nodeCpuSeconds: childrenCpuSeconds() - cpuBefore,
    pgCpuSeconds: pgMs / 1000,
    rssMiB: rss / 1024,
  };
}

/** The API as `shinchoku start --api` serves it, in a fresh process of its own: how a user meets it, apart from the bench's heap. */
async function serveApiProcess(url: string): Promise<{ origin: string; pid: number; stop: () => Promise<unknown> }> {
  const port = await new Promise<number>((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as { port: number };
      server.close(() => resolvePort(free));
    });
  });
  const api = shinchoku(['start', '--api'], {
    DATABASE_URL: url,
    ADMIN_TOKEN: TOKEN,
    QUEUE_PREFIX: 'benchrebuild',
    PORT: String(port),
    LOG_LEVEL: 'warn',
  });
  const origin = `http://127.0.0.1:${port}`;
  let exited: number | null | undefined;
  void api.exited.then((code) => (exited = code));
  for (const deadline = Date.now() + 60_000; ;) {
    if ((await fetch(`${origin}/health`).catch(() => undefined))?.ok) break;
    if (exited !== undefined || Date.now() > deadline) throw new Error(`the API did not start:\n${api.output()}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  return { origin, pid: api.child.pid!, stop: () => (api.child.kill('SIGTERM'), api.exited) };
}

function main(): Promise<void> {
  return withScratchDatabase('rebuild', measure);
}

async function measure(url: string): Promise<void> {
  const closing: Array<() => Promise<unknown> | void> = [];
  try {
    const config = loadConfig({
      DATABASE_URL: url,
      ADMIN_TOKEN: TOKEN,
      QUEUE_PREFIX: 'benchrebuild',
      PROCESSOR_BATCH_SIZE: process.env.PROCESSOR_BATCH_SIZE,
    });
    const resources = await openResources(config, { logger: { log() {}, error() {}, warn() {} } });
    closing.unshift(() => resources.close());
    const pool = resources.database.pool;
    const { rows } = await pool.query<{ server_version: string }>('SHOW server_version');
    console.log(
      `PostgreSQL ${rows[0]?.server_version}, Node ${process.version}, ${cpus().length} CPUs, ` +
        `${grouped(EVENTS)} events wanted, ${WRITERS} writers for the load, processor batch ${config.processorBatchSize}\n`,
    );

    // ---- the store ----
    const loadPool = new Pool({
      connectionString: url,
      max: WRITERS,
      application_name: 'shinchoku-bench-load',
      options: '-c synchronous_commit=off',
    });
    const loadDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool: loadPool }) });
    closing.unshift(() => loadDb.destroy());
    // The typical sheet is taken from the middle of the first year's sheets of the 西区 地域課 shape (7 indicators).
    const candidates: Array<{ streamId: string; department: string; unit: string; events: number }> = [];
    const loadStarted = performance.now();
    const tally = await load(LOAD === 'store' ? storeWriter(new EventStore(loadDb)) : sessionWriter(loadPool), WRITERS, (sheet) => {
      if (sheet.fiscalYear === FIRST_FISCAL_YEAR && sheet.shape === 西区地域課) {
        candidates.push({
          streamId: sheet.tracked.streamId,
          department: sheet.department,
          unit: sheet.unit,
          events: sheet.tracked.version,
        });
      }
    });
    const loadSeconds = seconds(loadStarted);
    await loadDb.destroy();
    closing.shift();
    const vacuumStarted = performance.now();
    await pool.query('VACUUM ANALYZE');
    const vacuumSeconds = seconds(vacuumStarted);
    const size = await pool.query<{ events: string; streams: string; bytes: string }>(
      `SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM streams) AS streams,
              pg_total_relation_size('events') AS bytes`,
    );
    const stored = Number(size.rows[0]!.events);
    if (stored !== tally.events) throw new Error(`appended ${tally.events} events, the store holds ${stored}`);
    console.log(
      `store: ${grouped(stored)} events in ${grouped(Number(size.rows[0]!.streams))} streams ` +
        `(${grouped(tally.sheets)} unit sheets, ${grouped(tally.wardPlans)} ward plans; ${grouped(tally.wards.size)} wards, ` +
        `FY${tally.fiscalYears[0]}–${tally.fiscalYears.at(-1)}), events table ${(Number(size.rows[0]!.bytes) / 2 ** 30).toFixed(2)} GiB`,
    );
    console.log(
      `loaded in ${loadSeconds.toFixed(1)} s (${grouped(stored / loadSeconds)} events/s, ${grouped(tally.commands / loadSeconds)} commands/s ` +
        `of ${(stored / tally.commands).toFixed(2)} events, ${LOAD === 'store' ? 'one EventStore.append each' : 'a session per statement'}), ` +
        `then VACUUM ANALYZE ${vacuumSeconds.toFixed(1)} s\n`,
    );

    // ---- the rebuild: each projection alone, then all of them, each by `npm run rebuild -- <name|all>` ----
    const row = table(
      ['projection', 'events', 'seconds', 'events/s', 'Node CPU s', 'PG CPU s', 'max RSS MiB'],
      [16, 12, 10, 10, 12, 10, 12],
    );
    const print = (name: string, r: RebuildRun, events = r.events) =>
      row([
        name,
        grouped(events),
        r.seconds.toFixed(1),
        events > 0 ? grouped(events / r.seconds) : '–',
        r.nodeCpuSeconds.toFixed(1),
        r.pgCpuSeconds.toFixed(1),
        r.rssMiB.toFixed(0),
      ]);
    for (const projection of REBUILDABLE) print(projection, await rebuildCli(url, pool, [projection]));
    const all = await rebuildCli(url, pool, ['all']);
    const rate = stored / all.seconds;
    print('all', all, stored);
    console.log("(each row is the whole command, from start to exit; all: the store's events ÷ its time. reminders plans every sheet");
    console.log(' from the current state and reads no events; all rebuilds it after the current state, beside the summaries.');
    console.log(' Node CPU counts every process of the command; with other work on the machine, compare CPU more than seconds)');

    if (BATCH_SIZES.length > 0) {
      console.log('\nsummaries replayed from the feed in committed batches (how a processor without byStream rebuilds)');
      const batchRow = table(['batch', 'events', 'seconds', 'events/s'], [16, 12, 10, 10]);
      for (const batchSize of BATCH_SIZES) {
        const runner = new ProcessorRunner(resources.database.db, resources.store, [summariesProcessor], {
          batchSize,
          pollIntervalMs: config.processorPollMs,
        });
        const started = performance.now();
        const events = await runner.rebuild(summariesProcessor);
        const elapsed = seconds(started);
        batchRow([String(batchSize), grouped(events), elapsed.toFixed(1), grouped(events / elapsed)]);
      }
    }

    // ---- historical reads of one sheet, with that store in place ----
    const typical = candidates[Math.floor(candidates.length / 2)];
    if (!typical) throw new Error('no typical sheet was generated');
    const sheetId = typical.streamId.slice('sheet-'.length);
    // asOf: when the middle event was recorded; the sheet as of then holds every event recorded by that moment.
    const { rows: asOfRows } = await pool.query<{ asof: Date; version: string }>(
      `SELECT m.recorded_at AS asof, (SELECT max(stream_version) FROM events e WHERE e.stream_id = $1 AND e.recorded_at <= m.recorded_at) AS version
         FROM events m WHERE m.stream_id = $1 AND m.stream_version = $2`,
      [typical.streamId, Math.ceil(typical.events / 2)],
    );
    const asOf = asOfRows[0]!.asof;
    const middle = Number(asOfRows[0]!.version);

    const commands = new SheetCommands(resources.database.db, resources.store, systemClock, config.progressThresholds);
    const inProcessAsOf = async () => {
      const past = await commands.load(sheetId, { asOf });
      if (past.version !== middle) throw new Error(`asOf read version ${past.version}, expected ${middle}`);
      return JSON.stringify({ ...viewOf(past.state!, config.progressThresholds), version: past.version, asOf: asOf.toISOString() });
    };
    const inProcessAudit = async () => JSON.stringify({ sheetId, items: auditTrail((await commands.load(sheetId)).events, evolve) });

    const api = await serveApiProcess(url);
    closing.unshift(() => api.stop());
    const get = (path: string) => async () => {
      const response = await fetch(`${api.origin}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const body = await response.text();
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${body}`);
      return body;
    };
    const asOfPath = `/api/v1/sheets/${sheetId}?asOf=${encodeURIComponent(asOf.toISOString())}`;
    const auditPath = `/api/v1/sheets/${sheetId}/audit`;
    const asOfBody = JSON.parse(await get(asOfPath)()) as { version: number };
    const auditBody = JSON.parse(await get(auditPath)()) as { items: unknown[] };
    if (asOfBody.version !== middle) throw new Error(`GET asOf answered version ${asOfBody.version}, expected ${middle}`);

    console.log(
      `\none sheet shaped like 西区 地域課 (${typical.department} ${typical.unit}, ${typical.events} events, ${auditBody.items.length} audit entries; ` +
        `asOf = when version ${middle} was recorded), ${READS} sequential reads each after ${WARMUP_READS} warm-up; in-process: the ` +
        `server's work in this process; GET: from this process over one keep-alive connection to \`shinchoku start --api\` in a fresh ` +
        `process of its own, and that process's CPU per read`,
    );
    const readRow = table(['read', 'p50 ms', 'p99 ms', 'max ms', 'API CPU ms/read'], [26, 9, 9, 9, 16]);
    const reads: Array<[string, () => Promise<unknown>]> = [
      ['asOf, in-process', inProcessAsOf],
      ['audit, in-process', inProcessAudit],
      ['GET /sheets/{id}?asOf=', get(asOfPath)],
      ['GET /sheets/{id}/audit', get(auditPath)],
    ];
    const latencies = new Map<string, { p50: number; p99: number; max: number }>();
    for (const [title, read] of reads) {
      const cpu = procStat(api.pid);
      const result = await timed(read);
      const after = procStat(api.pid);
      const apiCpuMs = ((Number(after[11]) + Number(after[12]) - Number(cpu[11]) - Number(cpu[12])) * 10) / (READS + WARMUP_READS);
      latencies.set(title, result);
      readRow([
        title,
        result.p50.toFixed(2),
        result.p99.toFixed(2),
        result.max.toFixed(2),
        title.startsWith('GET') ? apiCpuMs.toFixed(2) : '',
      ]);
    }

    console.log('');
    console.log(`goal: rebuild ≥ ${grouped(GOALS.rebuild)} events/s: ${rate >= GOALS.rebuild ? 'met' : 'NOT met'} (${grouped(rate)})`);
    for (const [goal, title] of [
      ['asOf', 'GET /sheets/{id}?asOf='],
      ['audit', 'GET /sheets/{id}/audit'],
    ] as const) {
      const { p99 } = latencies.get(title)!;
      console.log(`goal: ${goal} p99 < ${GOALS.read} ms: ${p99 < GOALS.read ? 'met' : 'NOT met'} (${p99.toFixed(2)} ms)`);
    }
  } finally {
    for (const close of closing)
      await Promise.resolve()
        .then(close)
        .catch((error: unknown) => console.error(error));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
