import { Kysely, sql, Transaction } from 'kysely';
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
  rowsAsJson,
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
 */
export async function rebuildCurrentState(db: Kysely<Database>, store: EventStore, thresholds: ProgressThresholds): Promise<number> {
  return db.transaction().execute(async (trx) => {
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
      const sheets = await replay(trx, store, sheetStream(''), (sheet: Sheet | undefined, event) => evolve(sheet, event as SheetEvent), (sheet, version) =>
        writer.sheet(sheetRows(sheet, version, thresholds)),
      );
      const plans = await replay(trx, store, wardPlanStream(''), (plan: WardPlan | undefined, event) => evolveWardPlan(plan, event as WardPlanEvent), (plan, version) =>
        writer.wardPlan(wardPlanRow(plan, version)),
      );
      await writer.flush();
      return sheets + plans;
    } catch (error) {
      // A failed write aborts the transaction, so the reads after it fail too: report the write.
      await writer.sent();
      throw error;
    }
  });
}

/** Folds every stream under `prefix` and hands each one's final state to `done`. */
async function replay<S>(
  trx: Transaction<Database>,
  store: EventStore,
  prefix: string,
  fold: (state: S | undefined, event: ReplayedEvent) => S,
  done: (state: S, version: number) => void,
): Promise<number> {
  let replayed = 0;
  for await (const stream of store.streamsInOrder(prefix, trx)) {
    done(stream.reduce<S | undefined>(fold, undefined)!, stream.at(-1)!.version);
    replayed += stream.length;
  }
  return replayed;
}

/**
 * Collects rows and writes them a batch at a time with the inline projection's rule (an older
 * version never replaces a newer one, a sheet's indicators are replaced with it), one statement
 * per table. A batch is sent while the next is being folded; its failure surfaces at the next
 * batch or at the final flush.
 */
class Writer {
  private sheets: SheetRow[] = [];
  private indicators: IndicatorRow[] = [];
  private plans: WardPlanRow[] = [];
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly trx: Transaction<Database>) {}

  sheet(rows: { sheet: SheetRow; indicators: IndicatorRow[] }) {
    this.sheets.push(rows.sheet);
    this.indicators.push(...rows.indicators);
    if (this.sheets.length >= BATCH) this.send();
  }

  wardPlan(row: WardPlanRow) {
    this.plans.push(row);
    if (this.plans.length >= BATCH) this.send();
  }

  async flush(): Promise<void> {
    this.send();
    await this.sent();
  }

  /** Resolves when every batch sent so far is written; rejects with the first failure. */
  sent(): Promise<void> {
    return this.sending;
  }

  private send() {
    const [sheets, indicators, plans] = [this.sheets, this.indicators, this.plans];
    [this.sheets, this.indicators, this.plans] = [[], [], []];
    this.sending = this.sending.then(() => this.write(sheets, indicators, plans));
    // Observed when awaited; until then a failure must not count as unhandled.
    this.sending.catch(() => undefined);
  }

  private async write(sheets: SheetRow[], indicators: IndicatorRow[], plans: WardPlanRow[]) {
    const { trx } = this;
    if (sheets.length > 0) {
      const { rows } = await upsert('sheets', 'sheet_id', SHEET_COLUMNS, sheets).execute(trx);
      // The tables were emptied: a sheet is already there only when a command created it meanwhile.
      const updated = rows.filter((row) => row.updated).map((row) => row.key);
      if (updated.length > 0) await sql`DELETE FROM sheet_indicators WHERE sheet_id = ANY(${updated}::uuid[])`.execute(trx);
      const written = new Set(rows.map((row) => row.key));
      const replaced = indicators.filter((row) => written.has(row.sheet_id));
      if (replaced.length > 0) await insert('sheet_indicators', INDICATOR_COLUMNS, replaced).execute(trx);
    }
    if (plans.length > 0) await upsert('ward_plans', 'ward_plan_id', WARD_PLAN_COLUMNS, plans).execute(trx);
  }
}

/** Many rows as one relation, sent as one JSON parameter (see rowsAsJson). */
function recordset<Row extends object>(columns: Columns<Row>, rows: readonly Row[]) {
  const names = Object.keys(columns) as Array<keyof Row & string>;
  const text = rowsAsJson(columns, rows);
  const definition = names.map((name) => `${name} ${columns[name]}`).join(', ');
  // A json value keeps its text exactly: the view column is that text.
  const select = names.map((name) => (columns[name] === 'json' ? `${name}::text` : name)).join(', ');
  return {
    names: sql.raw(names.join(', ')),
    select: sql.raw(select),
    relation: sql`json_to_recordset(${text}::json) AS r(${sql.raw(definition)})`,
  };
}

function insert<Row extends object>(table: string, columns: Columns<Row>, rows: readonly Row[]) {
  const { names, select, relation } = recordset(columns, rows);
  return sql`INSERT INTO ${sql.table(table)} (${names}) SELECT ${select} FROM ${relation}`;
}

/**
 * Inserts, or updates a row only with a newer version: the inline projection's rule. Says which
 * rows it updated rather than inserted (xmax is 0 on a row this statement inserted).
 */
function upsert<Row extends object>(table: 'sheets' | 'ward_plans', key: keyof Row & string, columns: Columns<Row>, rows: readonly Row[]) {
  const { names, select, relation } = recordset(columns, rows);
  const set = [...Object.keys(columns), 'updated_at'].map((name) => `${name} = excluded.${name}`).join(', ');
  return sql<{ key: string; updated: boolean }>`INSERT INTO ${sql.table(table)} (${names}, updated_at) SELECT ${select}, now() FROM ${relation}
    ON CONFLICT (${sql.ref(key)}) DO UPDATE SET ${sql.raw(set)} WHERE ${sql.ref(`${table}.version`)} < excluded.version
    RETURNING ${sql.ref(key)} AS key, xmax <> 0 AS updated`;
}
