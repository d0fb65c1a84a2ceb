import { z } from 'zod';
import { flag, integer, isoDates, json, url, type Config } from '@shinchoku/config';
import { policyOverridesSchema, type PolicyOverrides } from './domain/policy';
import { parseAllowedHost, type AllowedHost, type WebhookRules } from './domain/webhook-address';

const allowedHosts = z.string().transform((text, context): AllowedHost[] =>
  text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const host = parseAllowedHost(entry);
      if (typeof host === 'string') context.addIssue({ code: 'custom', message: host });
      return host as AllowedHost;
    }),
);

/** The reminders' settings, read from the environment with every other library's (unset = the default). */
export const reminderEnvironment = {
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  SMTP_FROM: z.string().trim().min(3).max(320).default('shinchoku <shinchoku@localhost>'),
  WEBHOOK_SECRET: z.string().trim().min(16, 'must be at least 16 characters').max(512).optional(),
  PUBLIC_BASE_URL: url(['http:', 'https:']).optional(),
  REMINDER_POLICY: json(policyOverridesSchema).optional(),
  REMINDER_CLOSED_DAYS: isoDates.optional(),
  REMINDER_ATTEMPTS: integer(1, 50).default(8),
  REMINDER_BACKOFF_MS: integer(100, 3_600_000).default(30_000),
  REMINDER_RECONCILE_MS: integer(100, 3_600_000).default(60_000),
  // Outbound reminders: webhooks only to public https: hosts unless allowed; in production no e-mail to the log.
  WEBHOOK_ALLOW_HTTP: flag.default(false),
  WEBHOOK_ALLOWED_HOSTS: allowedHosts.optional(),
};

export type ReminderEnvironment = z.output<z.ZodObject<typeof reminderEnvironment>>;

/** Values that may carry credentials are never echoed back. */
export const REMINDER_SECRETS: readonly string[] = ['SMTP_URL', 'WEBHOOK_SECRET'];

export interface ReminderSettings {
  /** Mail goes out over SMTP when set; otherwise the log channel stands in for email. */
  smtpUrl?: string;
  smtpFrom: string;
  /** Signs webhook bodies (X-Shinchoku-Signature); webhook deliveries fail without it. */
  webhookSecret?: string;
  /** Where people open a sheet: links in reminders are PUBLIC_BASE_URL/api/v1/sheets/{id}. */
  publicBaseUrl: string;
  policy: PolicyOverrides;
  /** The municipality's own closed days (閉庁日). */
  closedDays: string[];
  /** Sends tried per reminder before it is marked failed, with exponential backoff from backoffMs. */
  attempts: number;
  backoffMs: number;
  /** How often the reconciler enqueues new rows and re-enqueues due ones. */
  reconcileMs: number;
  /** Where webhooks may go: https: to public addresses, http: with WEBHOOK_ALLOW_HTTP, named internal hosts with WEBHOOK_ALLOWED_HOSTS. */
  webhooks: WebhookRules;
  /** Without SMTP_URL, e-mail reminders go to the log; false with NODE_ENV=production, where they fail instead. */
  mailToLog: boolean;
}

/** The configuration as the reminders read it: the plain settings and their own. */
export type ReminderConfig = Config & { reminders: ReminderSettings };

/** The reminders' settings; links default to the API's own address, and production mails for real. */
export function reminderSettingsOf(e: ReminderEnvironment, api: { host: string; port: number; nodeEnv?: string }): ReminderSettings {
  return {
    ...(e.SMTP_URL !== undefined && { smtpUrl: e.SMTP_URL }),
    smtpFrom: e.SMTP_FROM,
    ...(e.WEBHOOK_SECRET !== undefined && { webhookSecret: e.WEBHOOK_SECRET }),
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://${api.host}:${api.port}`).replace(/\/+$/, ''),
    policy: e.REMINDER_POLICY ?? {},
    closedDays: e.REMINDER_CLOSED_DAYS ?? [],
    attempts: e.REMINDER_ATTEMPTS,
    backoffMs: e.REMINDER_BACKOFF_MS,
    reconcileMs: e.REMINDER_RECONCILE_MS,
    webhooks: { allowHttp: e.WEBHOOK_ALLOW_HTTP, allowedHosts: e.WEBHOOK_ALLOWED_HOSTS ?? [] },
    mailToLog: api.nodeEnv !== 'production',
  };
}
