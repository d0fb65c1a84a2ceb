import { summariesProcessor } from '@shinchoku/summaries';
import type { TestApi } from './api';

/**
 * The summaries of the test's own streams, handed to the processor directly: the feed's horizon is
 * cluster-wide, and other databases' long transactions would only delay what such a test is not about.
 */
export async function summarise(api: TestApi): Promise<void> {
  const { store, database } = api.resources;
  const streams = await database.db.selectFrom('streams').select('stream_id').execute();
  const events = (await Promise.all(streams.map(({ stream_id }) => store.readStream(stream_id)))).flat();
  await database.db.transaction().execute(async (trx) => {
    await summariesProcessor.reset(trx);
    await summariesProcessor.handle(events, trx);
  });
}
