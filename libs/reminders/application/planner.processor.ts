import type { Transaction } from 'kysely';
import type { Database } from '@shinchoku/database';
import type { StoredEvent } from '@shinchoku/event-store';
import type { Processor } from '@shinchoku/processors';
import type { Clock } from '@shinchoku/runtime';
import { tokyoDateOf } from '@shinchoku/municipality';
import { replan, type PlanningRules } from './planning';

export const REMINDER_PLANNER = 'reminders';

/**
 * Follows the feed and plans again every sheet an event touched. It plans from the sheet's current
 * state, so a batch that lags behind only plans with fresher facts, never with stale ones.
 */
export function reminderPlanner(rules: PlanningRules, clock: Clock): Processor {
  return {
    name: REMINDER_PLANNER,
    async handle(events: readonly StoredEvent[], trx: Transaction<Database>) {
      const sheetIds = new Set<string>();
      for (const event of events) {
        // Its own ReminderSent changes nothing a plan depends on.
        if (event.streamId.startsWith('sheet-') && event.type !== 'ReminderSent') sheetIds.add(event.streamId.slice('sheet-'.length));
      }
      const now = clock.now();
      await replan(trx, [...sheetIds], rules, tokyoDateOf(now), now);
    },
    /**
     * Nothing to clear: sent and failed reminders are history no replay could bring back, and
     * planning is idempotent, so a rebuild simply plans every sheet again.
     */
    async reset() {},
    /**
     * A rebuild plans each sheet once, from its current state, instead of again for every batch
     * that touched it; so it reads no events at all (and is rebuilt after the current state).
     */
    byStream: {
      prefixes: [],
      async handle() {},
      async finish(trx) {
        const sheets = await trx.selectFrom('sheets').select('sheet_id').orderBy('sheet_id').execute();
        const now = clock.now();
        await replan(
          trx,
          sheets.map((row) => row.sheet_id),
          rules,
          tokyoDateOf(now),
          now,
        );
      },
    },
  };
}
