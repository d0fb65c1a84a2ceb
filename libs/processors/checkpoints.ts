import { Transaction, sql } from 'kysely';
import type { Database } from '@shinchoku/database';
import { Checkpoint, START_OF_FEED } from '@shinchoku/event-store';

/**
 * Reads a processor's checkpoint and locks it until the transaction ends: batches of one processor
 * never overlap. With `wait: false`, undefined at once when another transaction holds it.
 */
export async function lockCheckpoint(trx: Transaction<Database>, processor: string): Promise<Checkpoint>;
export async function lockCheckpoint(
  trx: Transaction<Database>,
  processor: string,
  options: { wait: false },
): Promise<Checkpoint | undefined>;
export async function lockCheckpoint(trx: Transaction<Database>, processor: string, { wait = true } = {}): Promise<Checkpoint | undefined> {
  await trx
    .insertInto('processor_checkpoints')
    .values({ processor, transaction_id: '0', global_position: '0' })
    .onConflict((oc) => oc.column('processor').doNothing())
    .execute();
  const locking = trx
    .selectFrom('processor_checkpoints')
    .select(['transaction_id', 'global_position'])
    .where('processor', '=', processor)
    .forUpdate();
  const row = await (wait ? locking : locking.skipLocked()).executeTakeFirst();
  return row && { transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.global_position) };
}

export async function saveCheckpoint(trx: Transaction<Database>, processor: string, checkpoint: Checkpoint) {
  await trx
    .updateTable('processor_checkpoints')
    .set({
      transaction_id: checkpoint.transactionId.toString(),
      global_position: checkpoint.globalPosition.toString(),
      updated_at: sql`now()`,
    })
    .where('processor', '=', processor)
    .execute();
}

export function resetCheckpoint(trx: Transaction<Database>, processor: string) {
  return saveCheckpoint(trx, processor, START_OF_FEED);
}
