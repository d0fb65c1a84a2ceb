import type { Migration } from 'kysely';
import * as eventStore from './0001_event_store';
import * as sheets from './0002_sheets';
import * as summaries from './0003_summaries';
import * as reminders from './0004_reminders';
import * as access from './0005_access';
import * as sheetChanges from './0006_sheet_changes';
import * as accessExpiry from './0007_access_expiry';
import * as departmentNames from './0010_department_names';
import * as progressEntry from './0013_progress_entry';
import * as indicatorFillfactor from './0014_indicator_fillfactor';
import * as reminderSettings from './0016_reminder_settings';
import * as lz4Projection from './0017_lz4_projection';
import * as viewOnRead from './0018_view_on_read';

/** Every migration, by name; names sort in the order they apply. */
export const migrations: Record<string, Migration> = {
  '0001_event_store': eventStore,
  '0002_sheets': sheets,
  '0003_summaries': summaries,
  '0004_reminders': reminders,
  '0005_access': access,
  '0006_sheet_changes': sheetChanges,
  '0007_access_expiry': accessExpiry,
  '0010_department_names': departmentNames,
  '0013_progress_entry': progressEntry,
  '0014_indicator_fillfactor': indicatorFillfactor,
  '0016_reminder_settings': reminderSettings,
  '0017_lz4_projection': lz4Projection,
  '0018_view_on_read': viewOnRead,
};
