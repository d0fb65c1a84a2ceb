import { Kysely, sql, Transaction } from 'kysely';
import type { Database } from './schema';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Copies of live tables, filled beside them and swapped in at the end: how a projection is rebuilt
 * without holding the live tables for the whole rebuild. Each copy is `<table>_rebuild`, made
 * `LIKE <table> INCLUDING ALL` (columns, defaults, checks, storage and compression, indexes);
 * foreign keys between the tables are added once the copies are full (one validating pass each,
 * cheaper than a check per row). The swap drops the live tables and renames the copies and their
 * indexes to the live names, in the caller's transaction: O(1) whatever the size. A table outside
 * the set that references one of them makes the swap fail (DROP without CASCADE) rather than lose
 * its key; triggers are not copied (the projection tables have none).
 */
export class ShadowTables {
  private constructor(
    private readonly tables: readonly string[],
    /** [copy's index, live index] */
    private readonly indexNames: ReadonlyArray<[string, string]>,
    private readonly foreignKeys: readonly string[],
  ) {}

  static shadowOf(table: string): string {
    return `${table}_rebuild`;
  }

  /** Drops copies a crashed rebuild left, and makes empty ones. */
  static async create(db: Kysely<Database>, tables: readonly string[]): Promise<ShadowTables> {
    const indexNames: Array<[string, string]> = [];
    const foreignKeys: string[] = [];
    await sql.raw(`DROP TABLE IF EXISTS ${tables.map(ShadowTables.shadowOf).join(', ')}`).execute(db);
    for (const table of tables) {
      const shadow = ShadowTables.shadowOf(table);
      await sql.raw(`CREATE TABLE ${shadow} (LIKE ${table} INCLUDING ALL)`).execute(db);
      // Index names are the schema's: the copy's are generated, matched to the live ones by definition.
      const { rows } = await sql<{ live: string; copy: string | null }>`
        SELECT li.relname AS live, (
          SELECT si.relname FROM pg_index s JOIN pg_class si ON si.oid = s.indexrelid
           WHERE s.indrelid = ${shadow}::regclass AND s.indisunique = l.indisunique AND s.indisprimary = l.indisprimary
             AND substring(pg_get_indexdef(s.indexrelid) FROM ' USING .*$') = substring(pg_get_indexdef(l.indexrelid) FROM ' USING .*$')
           ORDER BY si.relname LIMIT 1) AS copy
          FROM pg_index l JOIN pg_class li ON li.oid = l.indexrelid
         WHERE l.indrelid = ${table}::regclass`.execute(db);
      for (const { live, copy } of rows) {
        if (!copy) throw new Error(`rebuild: no copy of index ${live} on ${shadow}`);
        indexNames.push([copy, live]);
      }
      const keys = await sql<{ name: string; definition: string; referenced: string }>`
        SELECT conname AS name, pg_get_constraintdef(oid) AS definition, confrelid::regclass::text AS referenced
          FROM pg_constraint WHERE contype = 'f' AND conrelid = ${table}::regclass`.execute(db);
      for (const key of keys.rows) {
        if (!tables.includes(key.referenced))
          throw new Error(`rebuild: ${table}.${key.name} references ${key.referenced}, outside the rebuilt tables`);
        const definition = key.definition.replace(
          ` REFERENCES ${key.referenced}(`,
          ` REFERENCES ${ShadowTables.shadowOf(key.referenced)}(`,
        );
        // A foreign key's name is its table's own, so the copy's may be the live one already.
        foreignKeys.push(`ALTER TABLE ${shadow} ADD CONSTRAINT ${key.name} ${definition}`);
      }
    }
    return new ShadowTables(tables, indexNames, foreignKeys);
  }

  /** Once the copies are full: their foreign keys, and statistics, so the first queries after the swap plan well. */
  async complete(db: Kysely<Database>): Promise<void> {
    for (const statement of this.foreignKeys) await sql.raw(statement).execute(db);
    await sql.raw(`ANALYZE ${this.tables.map(ShadowTables.shadowOf).join(', ')}`).execute(db);
  }

  /** Locks the live tables against everything (readers too), for the swap; waits at most `lockMs`. */
  async lockLive(trx: Transaction<Database>, lockMs: number): Promise<void> {
    await sql.raw(`SET LOCAL lock_timeout = ${Math.round(lockMs)}`).execute(trx);
    await sql.raw(`LOCK TABLE ${this.tables.join(', ')} IN ACCESS EXCLUSIVE MODE`).execute(trx);
  }

  /** Puts the copies in the live tables' place, under their names; the caller holds the locks. */
  async swap(trx: Transaction<Database>): Promise<void> {
    await sql.raw(`DROP TABLE ${this.tables.join(', ')}`).execute(trx);
    for (const table of this.tables) await sql.raw(`ALTER TABLE ${ShadowTables.shadowOf(table)} RENAME TO ${table}`).execute(trx);
    // Renaming the index of a primary key or unique constraint renames the constraint with it.
    for (const [copy, live] of this.indexNames) await sql.raw(`ALTER INDEX ${copy} RENAME TO ${live}`).execute(trx);
  }

  async drop(db: Executor): Promise<void> {
    await sql.raw(`DROP TABLE IF EXISTS ${this.tables.map(ShadowTables.shadowOf).join(', ')}`).execute(db);
  }
}
