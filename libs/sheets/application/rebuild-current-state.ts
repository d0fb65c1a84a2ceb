import { CompiledQuery, Kysely, sql, Transaction } from 'kysely';
import type { Database } from '@shinchoku/database';
import { EventStore, ReplayedEvent } from '@shinchoku/event-store';
import type { ProgressThresholds } from '../domain/progress';
import { evolve } from '../domain/sheet.evolve';
import type { SheetEvent } from '../domain/sheet.events';
import type { Sheet } from '../domain/sheet.types';
import { evolveWardPlan, WardPlan, WardPlanEvent } from '../domain/ward-plan';
import {
  Columns,
  INDICATOR_COLUMNS,
  IndicatorRow,
  SHEET_COLUMNS,
  SheetRow,
  sheetRows,
  WARD_PLAN_COLUMNS,
  WardPlanRow,
  wardPlanRow,
} from './current-state-rows';
import { sheetStream, wardPlanStream } from './aggregates';

/** Streams whose rows go to the server in one statement per table. */
const BATCH = 250;

/**
 * Rebuilds the current-state tables (sheets, ward plans) from the streams, in one transaction:
 * readers see the old tables until it commits. Streams are read in order a page at a time and
 * written a few hundred at a time, one statement per table, while the next ones are folded; so
 * memory stays flat however large the store. Returns the number of events replayed.
 *
 * The streams are read on a connection of their own, outside the transaction, so the server reads
 * the next page while it writes the last batch, and Node folds meanwhile. It is as exact: inside,
 * each page would be read in a snapshot of its own just the same (read committed), and events
 * appended meanwhile are reconciled by the version rule.
 */
export async function rebuildCurrentState(db: Kysely<Database>, store: EventStore, thresholds: ProgressThresholds): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // Sheets change here without events: API processes keeping them in memory look for this row.
    await sql`INSERT INTO current_state_rebuilds DEFAULT VALUES`.execute(trx);
    // A sheet's indicators go with it (ON DELETE CASCADE): deleting them first as well would leave
    // the cascade to look for each sheet's indicators again, in vain.
    await trx.deleteFrom('sheets').execute();
    await trx.deleteFrom('ward_plans').execute();
    // Plans cached while the emptied tables are empty (the foreign-key check of sheet_indicators)
    // would scan them sequentially for the whole rebuild: measured at twice the time. Set after
    // the delete, whose cascade on each old sheet would otherwise be planned sheet by sheet.
    await sql`SET LOCAL plan_cache_mode = force_custom_plan`.execute(trx);
    const writer = new Writer(trx);
    try {
      const sheets = await replay(db, store, sheetStream(''), (sheet: Sheet | undefined, event) => evolve(sheet, event as SheetEvent), (sheet, version) =>
        writer.sheet(sheetRows(sheet, version, thresholds)),
      );
      const plans = await replay(db, store, wardPlanStream(''), (plan: WardPlan | undefined, event) => evolveWardPlan(plan, event as WardPlanEvent), (plan, version) =>
        writer.wardPlan(wardPlanRow(plan, version)),
      );
      await writer.flush();
      return sheets + plans;
    } catch (error) {
      // A failed write aborts the transaction: report the write rather than what failed after it.
      await writer.sent();
      throw error;
    }
  });
}

/** Folds every stream under `prefix` and hands each one's final state to `done`. */
async function replay<S>(
  db: Kysely<Database>,
  store: EventStore,
  prefix: string,
  fold: (state: S | undefined, event: ReplayedEvent) => S,
  done: (state: S, version: number) => Promise<void>,
): Promise<number> {
  let replayed = 0;
  for await (const stream of store.streamsInOrder(prefix, db)) {
    await done(stream.reduce<S | undefined>(fold, undefined)!, stream.at(-1)!.version);
    replayed += stream.length;
  }
  return replayed;
}

/**
 * Collects rows and writes them a batch at a time with the inline projection's rule (an older
 * version never replaces a newer one, a sheet's indicators are replaced with it), one statement
 * per table. A batch is sent while the next is being folded, one at a time: a batch ready
 * while the last is still being written waits for it (so memory stays flat when the server is
 * the slower). A failure surfaces at the next batch or at the final flush.
 */
class Writer {
  private sheets: SheetRow[] = [];
  private indicators: IndicatorRow[] = [];
  private plans: WardPlanRow[] = [];
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly trx: Transaction<Database>) {}

  async sheet(rows: { sheet: SheetRow; indicators: IndicatorRow[] }) {
    this.sheets.push(rows.sheet);
    this.indicators.push(...rows.indicators);
    if (this.sheets.length >= BATCH) await this.send();
  }

  async wardPlan(row: WardPlanRow) {
    this.plans.push(row);
    if (this.plans.length >= BATCH) await this.send();
  }

  async flush(): Promise<void> {
    await this.send();
    await this.sent();
  }

  /** Resolves when every batch sent so far is written; rejects with the first failure. */
  sent(): Promise<void> {
    return this.sending;
  }

  private async send() {
    const [sheets, indicators, plans] = [this.sheets, this.indicators, this.plans];
    [this.sheets, this.indicators, this.plans] = [[], [], []];
    await this.sending;
    this.sending = this.write(sheets, indicators, plans);
    // Observed when awaited; until then a failure must not count as unhandled.
    this.sending.catch(() => undefined);
  }

  private async write(sheets: SheetRow[], indicators: IndicatorRow[], plans: WardPlanRow[]) {
    const { trx } = this;
    if (sheets.length > 0) {
      const rows = await upsert(trx, 'sheets', 'sheet_id', SHEET_COLUMNS, sheets);
      // The tables were emptied: a sheet is already there only when a command created it meanwhile.
      const updated = rows.filter((row) => row.updated).map((row) => row.key);
      if (updated.length > 0) await sql`DELETE FROM sheet_indicators WHERE sheet_id = ANY(${updated}::uuid[])`.execute(trx);
      const written = new Set(rows.map((row) => row.key));
      const replaced = indicators.filter((row) => written.has(row.sheet_id));
      if (replaced.length > 0) await insert(trx, 'sheet_indicators', INDICATOR_COLUMNS, replaced);
    }
    if (plans.length > 0) await upsert(trx, 'ward_plans', 'ward_plan_id', WARD_PLAN_COLUMNS, plans);
  }
}

/** Bind parameters one statement may carry (the protocol counts them in 16 bits). */
const MAX_PARAMETERS = 65_535;

/**
 * Rows as a VALUES list with one bind parameter per value, in statements of as many rows as the
 * parameters allow. The server reads each value with its column's input function and nothing else
 * (a view is text, stored as sent), where rows sent as one JSON document are parsed whole first.
 */
function* valueLists<Row extends object>(columns: Columns<Row>, rows: readonly Row[], extra = '') {
  const names = Object.keys(columns) as Array<keyof Row & string>;
  const perStatement = Math.floor(MAX_PARAMETERS / names.length);
  for (let first = 0; first < rows.length; first += perStatement) {
    const parameters: unknown[] = [];
    const tuples = rows.slice(first, first + perStatement).map((row) => {
      const placeholders = names.map((name) => `$${parameters.push(asInJson(row[name]))}`);
      return `(${placeholders.join(',')}${extra})`;
    });
    yield { names: names.join(', '), values: tuples.join(','), parameters };
  }
}

/** A value as the inline projection's JSON rows carry it: a number JSON cannot hold is null there too. */
const asInJson = (value: unknown) => (value === undefined || (typeof value === 'number' && !Number.isFinite(value)) ? null : value);

async function insert<Row extends object>(trx: Transaction<Database>, table: string, columns: Columns<Row>, rows: readonly Row[]) {
  for (const { names, values, parameters } of valueLists(columns, rows)) {
    await trx.executeQuery(CompiledQuery.raw(`INSERT INTO ${table} (${names}) VALUES ${values}`, parameters));
  }
}

/**
 * Inserts, or updates a row only with a newer version: the inline projection's rule. Says which
 * rows it updated rather than inserted (xmax is 0 on a row this statement inserted).
 */
async function upsert<Row extends object>(
  trx: Transaction<Database>,
  table: 'sheets' | 'ward_plans',
  key: keyof Row & string,
  columns: Columns<Row>,
  rows: readonly Row[],
): Promise<Array<{ key: string; updated: boolean }>> {
  const set = [...Object.keys(columns), 'updated_at'].map((name) => `${name} = excluded.${name}`).join(', ');
  const written: Array<{ key: string; updated: boolean }> = [];
  for (const { names, values, parameters } of valueLists(columns, rows, ', now()')) {
    const { rows: returned } = await trx.executeQuery<{ key: string; updated: boolean }>(
      CompiledQuery.raw(
        `INSERT INTO ${table} (${names}, updated_at) VALUES ${values}
         ON CONFLICT (${key}) DO UPDATE SET ${set} WHERE ${table}.version < excluded.version
         RETURNING ${key} AS key, xmax <> 0 AS updated`,
        parameters,
      ),
    );
    written.push(...returned);
  }
  return written;
}
