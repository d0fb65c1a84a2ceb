import { z } from 'zod';
import { checkEnvironment, configOf, environment, readEnvironment, SECRETS, type Config } from '@shinchoku/config';
import { ACCESS_SECRETS, accessEnvironment, accessSettingsOf, checkAccessEnvironment, type AccessSettings } from '@shinchoku/access';
import { documentsEnvironment, documentsSettingsOf, type DocumentsSettings } from '@shinchoku/documents';
import { REMINDER_SECRETS, reminderEnvironment, reminderSettingsOf, type ReminderSettings } from '@shinchoku/reminders';

/** The whole configuration: the plain settings, and those of the libraries that keep their own. */
export type ShinchokuConfig = Config & AccessSettings & DocumentsSettings & { reminders: ReminderSettings };

const everySetting = z
  .object({ ...environment, ...accessEnvironment, ...documentsEnvironment, ...reminderEnvironment })
  .superRefine((e, context) => {
    checkEnvironment(e, context);
    checkAccessEnvironment(e, context);
  });

/** Reads and checks the whole configuration at once, reporting every problem, not just the first. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ShinchokuConfig {
  const e = readEnvironment(everySetting, [...SECRETS, ...ACCESS_SECRETS, ...REMINDER_SECRETS], env);
  return {
    ...configOf(e),
    ...accessSettingsOf(e),
    ...documentsSettingsOf(e),
    reminders: reminderSettingsOf(e, { host: e.HOST, port: e.PORT, ...(e.NODE_ENV !== undefined && { nodeEnv: e.NODE_ENV }) }),
  };
}
