import { CompiledQuery, Kysely, sql, Transaction } from 'kysely';
import { ShadowTables, type Database } from '@shinchoku/database';
import type { EventStore } from '@shinchoku/event-store';
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

/** The current-state tables, in the order they are dropped and renamed. */
const TABLES = ['sheets', 'sheet_indicators', 'ward_plans'] as const;
type Tables = { sheets: string; indicators: string; plans: string };
const SHADOW: Tables = {
  sheets: ShadowTables.shadowOf('sheets'),
  indicators: ShadowTables.shadowOf('sheet_indicators'),
  plans: ShadowTables.shadowOf('ward_plans'),
};

/** Catching up before the swap stops when at most this many streams moved on meanwhile: the rest is caught up under the lock. */
const SWAP_WITHIN_STREAMS = 50;
const CATCH_UP_PASSES = 5;
/**
 * The swap waits at most this long for the live tables (a long reader holds them), then lets
 * go and tries again after another catch-up: commands queued behind it wait no longer than that.
 */
const SWAP_LOCK_MS = 500;
const SWAP_ATTEMPTS = 20;

/**
 * Rebuilds the current-state tables (sheets, ward plans) from the streams, beside the live ones:
 * into copies (ShadowTables), while commands go on writing the live tables. Then it catches up on
 * the streams that moved on meanwhile (their version in `streams` is ahead of the copy's), and
 * swaps the copies in, in one short transaction that locks the live tables, catches up on the
 * last few and renames: commands wait at most for that, readers see the old tables until it
 * commits. Streams are read in order a page at a time and written a few hundred at a time, one
 * statement per table, while the next ones are folded; so memory stays flat however large the
 * store. Returns the number of events replayed. One rebuild at a time (an advisory lock).
 *
 * The streams are read on a connection of their own, so the server reads the next page while it
 * writes the last batch, and Node folds meanwhile. Nothing is held open for the whole rebuild: no
 * long transaction holds the feed back.
 */
export async function rebuildCurrentState(db: Kysely<Database>, store: EventStore, thresholds: ProgressThresholds): Promise<number> {
  return db.connection().execute(async (session) => {
    const { rows } = await sql<{
      locked: boolean;
    }>`SELECT pg_try_advisory_lock(hashtext('shinchoku:rebuild'), hashtext('current-state')) AS locked`.execute(session);
    if (!rows[0]!.locked) throw new Error('the current state is being rebuilt already (by another process)');
    try {
      const shadow = await ShadowTables.create(db, TABLES);
      try {
        const folds = new Folds(store, thresholds);
        const writer = new Writer(db, SHADOW);
        const replayed = (await folds.replay(db, 'sheet', writer)) + (await folds.replay(db, 'ward-plan', writer));
        await writer.flush();
        await shadow.complete(db);
        // Outside any lock until few streams are left to catch up on under it.
        for (let pass = 0; pass < CATCH_UP_PASSES; pass++) if ((await folds.catchUp(db, SHADOW)) <= SWAP_WITHIN_STREAMS) break;
        await swap(db, shadow, folds);
        return replayed;
      } catch (error) {
        await shadow.drop(db).catch(() => undefined);
        throw error;
      }
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtext('shinchoku:rebuild'), hashtext('current-state'))`.execute(session);
    }
  });
}

/** Locks the live tables (briefly, retrying after another catch-up while others hold them), catches up on the last streams, swaps. */
async function swap(db: Kysely<Database>, shadow: ShadowTables, folds: Folds): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        await shadow.lockLive(trx, SWAP_LOCK_MS);
        // Every command that wrote the live tables has committed: what it appended is in `streams`.
        await folds.catchUp(trx, SHADOW);
        // Sheets change here without events: API processes keeping them in memory look for this row.
        await sql`INSERT INTO current_state_rebuilds DEFAULT VALUES`.execute(trx);
        await shadow.swap(trx);
      });
    } catch (error) {
      if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE || attempt === SWAP_ATTEMPTS) throw error;
      await folds.catchUp(db, SHADOW);
    }
  }
}

const LOCK_NOT_AVAILABLE = '55P03';

const KINDS = {
  sheet: { prefix: sheetStream(''), table: 'sheets', key: 'sheet_id' },
  'ward-plan': { prefix: wardPlanStream(''), table: 'ward_plans', key: 'ward_plan_id' },
} as const;
type Kind = keyof typeof KINDS;

/** Folds streams into rows for the Writer: all of one kind in order, or those named. */
class Folds {
  constructor(
    private readonly store: EventStore,
    private readonly thresholds: ProgressThresholds,
  ) {}

  async replay(db: Kysely<Database>, kind: Kind, writer: Writer): Promise<number> {
    let replayed = 0;
    for await (const stream of this.store.streamsInOrder(KINDS[kind].prefix, db)) {
      await this.write(kind, stream, writer);
      replayed += stream.length;
    }
    return replayed;
  }

  /** Folds again every stream whose head is ahead of its row in `tables`; returns how many there were. */
  async catchUp(executor: Kysely<Database> | Transaction<Database>, tables: Tables): Promise<number> {
    const writer = new Writer(executor, tables);
    let behind = 0;
    for (const kind of Object.keys(KINDS) as Kind[]) {
      const { prefix, key } = KINDS[kind];
      const table = kind === 'sheet' ? tables.sheets : tables.plans;
      const { rows } = await sql<{ stream_id: string }>`
        SELECT s.stream_id FROM streams s
          LEFT JOIN ${sql.table(table)} r ON r.${sql.ref(key)}::text = substr(s.stream_id, ${prefix.length + 1})
         WHERE s.stream_id LIKE ${`${prefix}%`} AND (r.version IS NULL OR r.version < s.version)`.execute(executor);
      for (const { stream_id } of rows) await this.write(kind, await this.store.readStream(stream_id, {}, executor), writer);
      behind += rows.length;
    }
    await writer.flush();
    return behind;
  }

  private write(kind: Kind, stream: ReadonlyArray<{ type: string; data: unknown; version: number }>, writer: Writer): Promise<void> {
    const version = stream.at(-1)!.version;
    if (kind === 'sheet') {
      const sheet = stream.reduce<Sheet | undefined>((state, event) => evolve(state, event as unknown as SheetEvent), undefined)!;
      return writer.sheet(sheetRows(sheet, version, this.thresholds));
    }
    const plan = stream.reduce<WardPlan | undefined>(
      (state, event) => evolveWardPlan(state, event as unknown as WardPlanEvent),
      undefined,
    )!;
    return writer.wardPlan(wardPlanRow(plan, version));
  }
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

  constructor(
    private readonly executor: Kysely<Database> | Transaction<Database>,
    private readonly tables: Tables,
  ) {}

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
    const { executor, tables } = this;
    if (sheets.length > 0) {
      const rows = await upsert(executor, tables.sheets, 'sheet_id', SHEET_COLUMNS, sheets);
      // A sheet is already there only when caught up on: its indicator rows are replaced.
      const updated = rows.filter((row) => row.updated).map((row) => row.key);
      if (updated.length > 0)
        await sql`DELETE FROM ${sql.table(tables.indicators)} WHERE sheet_id = ANY(${updated}::uuid[])`.execute(executor);
      const written = new Set(rows.map((row) => row.key));
      const replaced = indicators.filter((row) => written.has(row.sheet_id));
      if (replaced.length > 0) await insert(executor, tables.indicators, INDICATOR_COLUMNS, replaced);
    }
    if (plans.length > 0) await upsert(executor, tables.plans, 'ward_plan_id', WARD_PLAN_COLUMNS, plans);
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

async function insert<Row extends object>(
  trx: Kysely<Database> | Transaction<Database>,
  table: string,
  columns: Columns<Row>,
  rows: readonly Row[],
) {
  for (const { names, values, parameters } of valueLists(columns, rows)) {
    await trx.executeQuery(CompiledQuery.raw(`INSERT INTO ${table} (${names}) VALUES ${values}`, parameters));
  }
}

/**
 * Inserts, or updates a row only with a newer version: the inline projection's rule. Says which
 * rows it updated rather than inserted (xmax is 0 on a row this statement inserted).
 */
async function upsert<Row extends object>(
  trx: Kysely<Database> | Transaction<Database>,
  table: string,
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
