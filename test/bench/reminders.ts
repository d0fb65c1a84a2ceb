/**
 * Reminders at a city's scale: plans reminders for BENCH_SHEETS sheets (every policy: 評価日,
 * quarterly progress, overdue escalation; department and sheet overrides; 担当 by email, 課長 by
 * webhook, a department coordinator) with the real planner processor over the feed; then, on each
 * queue backend, enqueues a sample of the planned rows as delayed jobs (the reconciler's enqueue
 * rate), and makes 1,000 reminders fall due within the same minute and measures how late each one
 * is recorded sent (ReminderSent appended, row marked) after its due instant: p50 / p99. Email goes
 * through the log channel (no SMTP server: the channel is not what is measured). Prints figures;
 * asserts nothing.
 *
 *   BENCH_DATABASE_URL  admin URL (default postgres://postgres@127.0.0.1:5432/postgres); a fresh
 *                       database is created next to it and dropped at the end
 *   BENCH_REDIS_URL     Redis for the Redis backend (default redis://127.0.0.1:6379); the bench's
 *                       queues use a prefix of their own and are obliterated at the end
 *   BENCH_SHEETS        sheets to plan (default 10000)
 *   BENCH_DUE           reminders falling due in the same minute (default 1000)
 *   BENCH_ENQUEUE       planned rows enqueued to time the enqueue rate (default 20000)
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { peakRssMiB, withScratchDatabase } from './scratch-database';
import type { ReminderSettings } from '@shinchoku/reminders';
import { loadConfig } from '@shinchoku/system';
import { openDatabase, type DatabaseHandle } from '@shinchoku/database';
import { migrateToLatest } from '../../db/migrate';
import { EventStore } from '@shinchoku/event-store';
import { ProcessorRunner } from '@shinchoku/processors';
import { QueueFactory, type QueueConnection } from '@shinchoku/queue';
import { planningRules, reminderPlanner, ReminderWorkers } from '@shinchoku/reminders';
import { systemClock } from '@shinchoku/runtime';
import { fiscalYearOf, tokyoDateOf } from '@shinchoku/municipality';
import { sheetAggregate, SheetCommands } from '@shinchoku/sheets';
import { DomainError } from '@shinchoku/sheets/domain/errors';
import { DEFAULT_PROGRESS_THRESHOLDS } from '@shinchoku/sheets/domain/progress';
import type { SheetCommand } from '@shinchoku/sheets/domain/sheet.commands';
import { decide } from '@shinchoku/sheets/domain/sheet.decide';
import type { SheetEvent } from '@shinchoku/sheets/domain/sheet.events';
import { evolve } from '@shinchoku/sheets/domain/sheet.evolve';
import type { Sheet } from '@shinchoku/sheets/domain/sheet.types';

const SHEETS = Number(process.env.BENCH_SHEETS ?? 10_000);
const DUE = Number(process.env.BENCH_DUE ?? 1_000);
const ENQUEUE = Number(process.env.BENCH_ENQUEUE ?? 20_000);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const UNITS_PER_DEPARTMENT = 25;
const WRITERS = 8;
const GOAL_P99_S = 5;

/** The sheets are next fiscal year's, so every reminder planned lies ahead of today. */
const TODAY = tokyoDateOf(new Date());
const FISCAL_YEAR = fiscalYearOf(TODAY) + 1;

const departmentOf = (i: number) => `第${Math.floor(i / UNITS_PER_DEPARTMENT) + 1}区`;
const unitOf = (i: number) => `${(i % UNITS_PER_DEPARTMENT) + 1}課`;

function sheetEvents(i: number): { sheetId: string; events: SheetEvent[]; state: Sheet } {
  const sheetId = randomUUID();
  const today = TODAY;
  const goals = [1, 2, 3].map(() => randomUUID());
  const commands: SheetCommand[] = [
    {
      type: 'CreateSheet',
      today,
      sheetId,
      fiscalYear: FISCAL_YEAR,
      department: departmentOf(i),
      unit: unitOf(i),
      // One 評価日 after Golden Week, one just after 年末年始.
      evaluationDate: i % 2 ? `${FISCAL_YEAR + 1}-05-07` : `${FISCAL_YEAR + 1}-01-06`,
    },
    ...goals.map((goalId, g) => ({ type: 'AddGoal', today, goalId, text: `目標${g + 1}: 区民サービスの向上を図ります。` }) as const),
    ...goals.map(
      (goalId, g) =>
        ({ type: 'DefineIndicator', today, goalId, indicatorId: randomUUID(), name: `指標${g + 1}`, unit: '件', target: '100' }) as const,
    ),
  ];
  let state: Sheet | undefined;
  const events: SheetEvent[] = [];
  for (const command of commands) {
    const decision = decide(command, state);
    if (decision instanceof DomainError) throw new Error(`${command.type}: ${decision.message}`);
    for (const event of decision) state = evolve(state, event);
    events.push(...decision);
  }
  return { sheetId, events, state: state! };
}

async function loadSheets(store: EventStore): Promise<string[]> {
  const aggregate = sheetAggregate(DEFAULT_PROGRESS_THRESHOLDS);
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < SHEETS) {
        const { sheetId, events, state } = sheetEvents(next++);
        ids.push(sheetId);
        await store.append(
          `sheet-${sheetId}`,
          0,
          events,
          { actor: { id: 'bench', name: 'ベンチマーク' }, source: 'bench' },
          (trx, appended) => aggregate.project(trx, state, appended.at(-1)!.version),
        );
      }
    }),
  );
  return ids;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function onBackend(
  kind: QueueConnection['kind'],
  database: DatabaseHandle,
  url: string,
  settings: ReminderSettings,
): Promise<string> {
  const connection: QueueConnection =
    kind === 'redis'
      ? { kind, url: REDIS_URL, prefix: `bench_reminders_${Date.now()}` }
      : { kind, url, schema: `bench_reminders_${Date.now()}` };
  const queues = new QueueFactory(connection);
  const store = new EventStore(database.db);
  const workers = new ReminderWorkers({
    db: database.db,
    queues,
    commands: new SheetCommands(database.db, store, systemClock, DEFAULT_PROGRESS_THRESHOLDS),
    clock: systemClock,
    settings,
    logger: { log() {}, warn() {}, error: (message: string) => console.error(message) },
    concurrency: 16,
  });
  const { db } = database;
  try {
    // DUE reminders of DUE different sheets, chosen first so that none of them has a job yet.
    const due = await sql<{ reminder_id: string }>`
      SELECT DISTINCT ON (sheet_id) reminder_id FROM reminders
       WHERE status = 'planned' AND kind = 'evaluation' AND channel = 'email' ORDER BY sheet_id, send_at LIMIT ${DUE}`.execute(db);
    const ids = due.rows.map((r) => r.reminder_id);

    // The enqueue rate: a sample of the rest of the plan handed to the queue as delayed jobs (months ahead).
    await db.updateTable('reminders').set({ enqueued: true }).execute();
    await sql`
      UPDATE reminders SET enqueued = false WHERE reminder_id IN (
        SELECT reminder_id FROM reminders WHERE status = 'planned' AND reminder_id <> ALL(${ids}::uuid[]) ORDER BY reminder_id LIMIT ${ENQUEUE})`.execute(
      db,
    );
    let started = performance.now();
    const { enqueued } = await workers.reconciler.run();
    const enqueueRate = enqueued / ((performance.now() - started) / 1000);

    // They fall due within one minute, starting 15 s from now.
    const start = Date.now() + 15_000;
    await sql`
      UPDATE reminders r SET send_at = timestamptz 'epoch' + (${start}::bigint + (d.n - 1) * 60000 / ${ids.length}::int) * interval '1 millisecond', enqueued = false
        FROM unnest(${ids}::uuid[]) WITH ORDINALITY AS d(id, n) WHERE r.reminder_id = d.id`.execute(db);
    await workers.reconciler.run();
    await workers.start();
    started = performance.now();
    for (;;) {
      const { count } = await db
        .selectFrom('reminders')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('reminder_id', 'in', ids)
        .where('status', '=', 'sent')
        .executeTakeFirstOrThrow();
      if (Number(count) === ids.length) break;
      if (performance.now() - started > 15 * 60_000) throw new Error(`only ${count} of ${ids.length} sent after 15 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const rows = await db.selectFrom('reminders').select(['send_at', 'finished_at']).where('reminder_id', 'in', ids).execute();
    const lateness = rows.map((r) => (r.finished_at!.getTime() - r.send_at.getTime()) / 1000).sort((a, b) => a - b);
    const p50 = percentile(lateness, 50);
    const p99 = percentile(lateness, 99);
    return `${kind.padEnd(8)} enqueue ${Math.round(enqueueRate).toLocaleString('en')} jobs/s (${enqueued.toLocaleString('en')} delayed jobs)   lateness p50 ${p50.toFixed(2)} s, p99 ${p99.toFixed(2)} s, max ${lateness.at(-1)!.toFixed(2)} s  (goal p99 < ${GOAL_P99_S} s: ${p99 < GOAL_P99_S ? 'met' : 'NOT met'}, ${(GOAL_P99_S / p99).toFixed(1)}× headroom)`;
  } finally {
    await workers.close();
    for (const queue of queues.opened()) await queue.obliterate({ force: true }).catch(() => undefined);
    await queues.close();
  }
}

async function main() {
  const settings: ReminderSettings = {
    ...loadConfig({}).reminders,
    policy: {
      // Every fourth department reminds earlier; one sheet in ten has its own schedule.
      departments: Object.fromEntries(
        Array.from({ length: Math.ceil(SHEETS / UNITS_PER_DEPARTMENT) }, (_, d) => d)
          .filter((d) => d % 4 === 0)
          .map((d) => [departmentOf(d * UNITS_PER_DEPARTMENT), { evaluation: { businessDaysBefore: [20, 10, 5, 1] } }]),
      ),
    },
  };
  console.log(`bench:reminders — ${SHEETS.toLocaleString('en')} sheets, ${DUE} due in one minute; ${cpus().length} cores`);
  await withScratchDatabase('reminders', async (url) => {
    const database = openDatabase({ url, poolSize: 20 });
    try {
      await migrateToLatest(database.db);
      const store = new EventStore(database.db);
      let started = performance.now();
      const sheetIds = await loadSheets(store);
      console.log(
        `loaded   ${SHEETS.toLocaleString('en')} sheets in ${((performance.now() - started) / 1000).toFixed(1)} s (set-up, not measured)`,
      );
      // A 担当 (email) and a 課長 (webhook) per unit, a coordinator (email) per department.
      await sql`
        INSERT INTO contacts (contact_id, department, unit, name, role, email, webhook_url, created_at, updated_at)
        SELECT gen_random_uuid(), department, unit, unit || ' ' || r.role, r.role,
               CASE WHEN r.role = '担当' THEN 'tanto@city.example.jp' END, CASE WHEN r.role = '課長' THEN 'https://hooks.city.example.jp/' END, now(), now()
          FROM sheets, (VALUES ('担当'), ('課長')) AS r(role)
        UNION ALL
        SELECT gen_random_uuid(), department, NULL, department || ' 調整担当', 'coordinator', 'coord@city.example.jp', NULL, now(), now()
          FROM sheets GROUP BY department`.execute(database.db);
      // One sheet in ten has its own progress schedule and send time.
      settings.policy.sheets = Object.fromEntries(
        sheetIds.filter((_, i) => i % 10 === 0).map((id) => [id, { progress: { businessDaysBefore: [10, 5] }, sendTime: '08:30' }]),
      );

      const planner = reminderPlanner(planningRules(settings), systemClock);
      const runner = new ProcessorRunner(database.db, store, [planner], {
        batchSize: loadConfig({}).processorBatchSize,
        pollIntervalMs: 20,
      });
      started = performance.now();
      const events = await runner.catchUp(planner);
      const seconds = (performance.now() - started) / 1000;
      const { count } = await database.db
        .selectFrom('reminders')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .executeTakeFirstOrThrow();
      console.log(
        `planning ${SHEETS.toLocaleString('en')} sheets (${events.toLocaleString('en')} events) → ${Number(count).toLocaleString('en')} reminders in ${seconds.toFixed(1)} s: ` +
          `${Math.round(SHEETS / seconds).toLocaleString('en')} sheets/s, ${Math.round(Number(count) / seconds).toLocaleString('en')} reminders/s`,
      );
      for (const kind of ['redis', 'postgres'] as const) console.log(await onBackend(kind, database, url, settings));
    } finally {
      await database.close();
    }
  });
  console.log(`peak RSS ${peakRssMiB()} MiB`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
