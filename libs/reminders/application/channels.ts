import { createHmac } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import nodemailer from 'nodemailer';
import type { ReminderSettings } from '../reminder-settings';
import type { ChannelName, Recipient } from '../domain/planner';
import type { ReminderMessage } from '../domain/message';
import type { WebhookRules } from '../domain/webhook-address';
import { postWebhook, systemResolver, type Resolver } from './outbound';

export interface Outgoing {
  reminderId: string;
  /** The same for every attempt at one reminder, so a receiver can drop a repeat (see idempotencyKeyOf). */
  idempotencyKey: string;
  recipient: Recipient;
  message: ReminderMessage;
  /** The machine-readable reminder, for webhooks. */
  payload: object;
}

export interface Channel {
  /** Recorded in ReminderSent: the way the reminder actually went out. */
  readonly name: ChannelName;
  send(outgoing: Outgoing): Promise<void>;
  close?(): void;
}

export const SIGNATURE_HEADER = 'x-shinchoku-signature';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/**
 * Delivery is at least once: a sender that dies after the channel took a reminder and before the
 * row says so sends it again. The reminder id names one reminder to one recipient through one
 * channel and never changes between attempts, so it is the key receivers deduplicate on.
 */
export const idempotencyKeyOf = (reminderId: string): string => reminderId;

/** The e-mail Message-ID of a reminder, the same for every attempt: mail systems drop a repeat by it. */
export const messageIdOf = (idempotencyKey: string): string => `<${idempotencyKey}@shinchoku>`;

/** "sha256=" and the hex HMAC-SHA256 of the raw body under WEBHOOK_SECRET. */
export const signatureOf = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export function emailChannel(smtpUrl: string, from: string): Channel {
  const transport = nodemailer.createTransport(smtpUrl, { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 });
  return {
    name: 'email',
    async send({ recipient, message, reminderId, idempotencyKey }) {
      await transport.sendMail({
        messageId: messageIdOf(idempotencyKey),
        from,
        to: recipient.name ? { name: recipient.name, address: recipient.address! } : recipient.address!,
        subject: message.subject,
        text: message.text,
        headers: { 'X-Shinchoku-Reminder-Id': reminderId },
      });
    },
    close: () => transport.close(),
  };
}

export function webhookChannel(secret: string | undefined, rules: WebhookRules, resolve: Resolver = systemResolver): Channel {
  return {
    name: 'webhook',
    async send({ recipient, payload, reminderId, idempotencyKey }) {
      if (!secret) throw new Error('WEBHOOK_SECRET is not set, so webhooks cannot be signed');
      const body = JSON.stringify(payload);
      const headers = {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signatureOf(secret, body),
        [IDEMPOTENCY_HEADER]: idempotencyKey,
        'x-shinchoku-reminder-id': reminderId,
      };
      await postWebhook(recipient.address!, headers, body, rules, resolve);
    },
  };
}

/** Production without SMTP: e-mail fails visibly, as an unsigned webhook does, instead of writing names and addresses to the log. */
function noMailChannel(): Channel {
  return {
    name: 'email',
    async send() {
      throw new Error('SMTP_URL is not set, so e-mail cannot be sent (with NODE_ENV=production reminders never go to the log)');
    },
  };
}

/** The embedded default's channel: the reminder is written to the log, where an operator sees it. */
export function logChannel(logger: Pick<LoggerService, 'log'>): Channel {
  return {
    name: 'log',
    async send({ recipient, message }) {
      const to = recipient.address ?? `${recipient.role} (no contact)`;
      logger.log(`reminder to ${recipient.name ?? ''} <${to}>: ${message.subject}\n${message.text}`);
    },
  };
}

type ChannelSettings = Pick<ReminderSettings, 'smtpUrl' | 'smtpFrom' | 'webhookSecret' | 'webhooks' | 'mailToLog'>;

/**
 * The channel each planned way of delivery goes through. Without an SMTP server, email goes to
 * the log for trying shinchoku out, or fails in production (mailToLog false).
 */
export function channelsFor(
  settings: ChannelSettings,
  logger: Pick<LoggerService, 'log'>,
  resolve?: Resolver,
): Record<ChannelName, Channel> {
  const log = logChannel(logger);
  return {
    email: settings.smtpUrl ? emailChannel(settings.smtpUrl, settings.smtpFrom) : settings.mailToLog ? log : noMailChannel(),
    webhook: webhookChannel(settings.webhookSecret, settings.webhooks, resolve),
    log,
  };
}

/** What an operator must know at start about where reminders will not go as configured; empty when all is set. */
export function channelWarnings(settings: ChannelSettings): string[] {
  return [
    ...(settings.smtpUrl
      ? []
      : [
          settings.mailToLog
            ? 'SMTP_URL is not set: e-mail reminders are written to this log, with names, addresses and messages (for trying shinchoku out; set SMTP_URL to send mail)'
            : 'SMTP_URL is not set: e-mail reminders fail (with NODE_ENV=production they never go to the log); set SMTP_URL to send mail',
        ]),
    ...(settings.webhookSecret ? [] : ['WEBHOOK_SECRET is not set: webhook reminders fail, as they cannot be signed']),
  ];
}
