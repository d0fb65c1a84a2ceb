import type { Migration } from 'kysely/migration';
import * as eventStore from './0001_event_store';

/** Every migration, by name; names sort in the order they apply. */
export const migrations: Record<string, Migration> = {
  '0001_event_store': eventStore,
};
