import { Transaction, sql } from 'kysely';
import type { Database } from '@shinchoku/database';
import { Checkpoint, START_OF_FEED } from '@shinchoku/event-store';

/** Reads a processor's checkpoint and locks it until the transaction ends: batches of one processor never overlap. */
export async function lockCheckpoint(trx: Transaction<Database>, processor: string): Promise<Checkpoint> {
  await trx
    .insertInto('processor_checkpoints')
    .values({ processor, transaction_id: '0', global_position: '0' })
    .onConflict((oc) => oc.column('processor').doNothing())
    .execute();
  const row = await trx
    .selectFrom('processor_checkpoints')
    .select(['transaction_id', 'global_position'])
    .where('processor', '=', processor)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.global_position) };
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
