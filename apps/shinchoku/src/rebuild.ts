import { spawn } from 'node:child_process';
import type { LoggerService } from '@nestjs/common';
import { ProcessorRunner } from '@shinchoku/processors';
import { REMINDER_PLANNER } from '@shinchoku/reminders';
import { systemClock, type Resources } from '@shinchoku/runtime';
import { rebuildCurrentState } from '@shinchoku/sheets';
import { PROCESSOR_NAMES, processors, type ShinchokuConfig } from '@shinchoku/system';

const CURRENT_STATE = 'current-state';

/** The inline current-state projection, then every async processor. */
export const REBUILDABLE = [CURRENT_STATE, ...PROCESSOR_NAMES];

/** Processors that plan from the current state rather than from events: rebuilt after it, never beside it. */
const AFTER_CURRENT_STATE: ReadonlySet<string> = new Set([REMINDER_PLANNER]);

/**
 * The projections grouped into lanes that can be rebuilt at the same time: the current state with
 * what reads it, after it; every other processor alone. Each keeps to its own tables.
 */
export function rebuildLanes(names: readonly string[]): string[][] {
  const ordered = REBUILDABLE.filter((name) => names.includes(name));
  const first = ordered.filter((name) => name === CURRENT_STATE || AFTER_CURRENT_STATE.has(name));
  const others = ordered.filter((name) => !first.includes(name));
  return [...(first.length > 0 ? [first] : []), ...others.map((name) => [name])];
}

/**
 * Rebuilds projections from zero in this process, one after another in REBUILDABLE's order. Safe
 * while shinchoku runs: the current state is rebuilt into copies of its tables and swapped in
 * (commands go on meanwhile); a processor is replaced stream by stream in one transaction (every
 * processor of the system can be; the runner refuses one that cannot).
 */
export async function rebuild(resources: Resources<ShinchokuConfig>, names: readonly string[], logger: LoggerService): Promise<void> {
  const { db } = resources.database;
  const all = processors(resources.config, systemClock);
  const runner = new ProcessorRunner(db, resources.store, all, {
    batchSize: resources.config.processorBatchSize,
    pollIntervalMs: resources.config.processorPollMs,
  });
  for (const name of REBUILDABLE.filter((n) => names.includes(n))) {
    const started = performance.now();
    const processor = all.find((p) => p.name === name);
    const events = processor
      ? await runner.rebuildByStream(processor)
      : await rebuildCurrentState(db, resources.store, resources.config.progressThresholds);
    const seconds = (performance.now() - started) / 1000;
    const rate = events > 0 ? ` (${Math.round(events / Math.max(seconds, 0.001))} events/s)` : '';
    logger.log(`rebuilt ${name}: ${events} events in ${seconds.toFixed(1)} s${rate}`, 'Rebuild');
  }
}

/**
 * Rebuilds the lanes at the same time: the first in this process, each other in a process of its
 * own (`shinchoku rebuild <names…>` against this process's database). A rebuild is bound by
 * Node's one thread as much as by the server: in one process the lanes would share one core
 * however many the machine has. Resolves when every lane is done; rejects naming what failed
 * (the other lanes are rebuilt all the same).
 */
export async function rebuildInLanes(
  resources: Resources<ShinchokuConfig>,
  lanes: readonly string[][],
  logger: LoggerService,
): Promise<void> {
  const [here = [], ...elsewhere] = lanes;
  const outcomes = await Promise.allSettled([
    rebuild(resources, here, logger),
    ...elsewhere.map((lane) => rebuildInProcess(lane, resources.databaseUrl)),
  ]);
  const failed = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
  if (failed.length === 1) throw failed[0];
  if (failed.length > 1)
    throw new Error(`rebuild failed: ${failed.map((reason) => (reason as Error).message ?? String(reason)).join('; ')}`);
}

/** The same CLI with the same settings, on the database this process opened (the embedded one included). */
function rebuildInProcess(lane: readonly string[], databaseUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, 'rebuild', ...lane], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: 'inherit',
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`rebuild of ${lane.join(', ')} failed: exit ${signal ?? code}`)),
    );
  });
}
