import type { LoggerService } from '@nestjs/common';
import { ProcessorRunner } from '@shinchoku/processors';
import { systemClock, type Resources } from '@shinchoku/runtime';
import { rebuildCurrentState } from '@shinchoku/sheets';
import { PROCESSOR_NAMES, processors } from '../../worker/src/processors';

/** The inline current-state projection, then every async processor. */
export const REBUILDABLE = ['current-state', ...PROCESSOR_NAMES];

/**
 * Rebuilds projections from zero, side by side. Safe while shinchoku runs: the current state, and
 * a processor that can take the feed stream by stream, are replaced in one transaction; another
 * processor's reset and replay serialize with its live batches on its checkpoint.
 */
export async function rebuild(resources: Resources, names: readonly string[], logger: LoggerService): Promise<void> {
  const { db } = resources.database;
  const all = processors(resources.config, systemClock);
  const runner = new ProcessorRunner(db, resources.store, all, {
    batchSize: resources.config.processorBatchSize,
    pollIntervalMs: resources.config.processorPollMs,
  });
  // Each projection has its own tables and transaction: rebuilt side by side, the server works
  // on one while Node folds another.
  const rebuilt = await Promise.allSettled(
    names.map(async (name) => {
      const started = performance.now();
      const processor = all.find((p) => p.name === name);
      const events = !processor
        ? await rebuildCurrentState(db, resources.store, resources.config.progressThresholds)
        : processor.byStream
          ? await runner.rebuildByStream(processor)
          : await runner.rebuild(processor);
      const seconds = (performance.now() - started) / 1000;
      logger.log(`rebuilt ${name}: ${events} events in ${seconds.toFixed(1)} s (${Math.round(events / Math.max(seconds, 0.001))} events/s)`, 'Rebuild');
    }),
  );
  const failed = rebuilt.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}
