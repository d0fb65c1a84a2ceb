import { createHmac } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import nodemailer from 'nodemailer';
import type { ReminderSettings } from '@shinchoku/config';
import type { ChannelName, Recipient } from '../domain/planner';
import type { ReminderMessage } from '../domain/message';

export interface Outgoing {
  reminderId: string;
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

/** "sha256=" and the hex HMAC-SHA256 of the raw body under WEBHOOK_SECRET. */
export const signatureOf = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export function emailChannel(smtpUrl: string, from: string): Channel {
  const transport = nodemailer.createTransport(smtpUrl, { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 });
  return {
    name: 'email',
    async send({ recipient, message, reminderId }) {
      await transport.sendMail({
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

export function webhookChannel(secret: string | undefined): Channel {
  return {
    name: 'webhook',
    async send({ recipient, payload, reminderId }) {
      if (!secret) throw new Error('WEBHOOK_SECRET is not set, so webhooks cannot be signed');
      const body = JSON.stringify(payload);
      const response = await fetch(recipient.address!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signatureOf(secret, body), 'x-shinchoku-reminder-id': reminderId },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      if (!response.ok) throw new Error(`webhook answered ${response.status} ${response.statusText}`);
    },
  };
}

/** The embedded default's channel: the reminder is written to the log, where an operator sees it. */
export function logChannel(logger: Pick<LoggerService, 'log'>): Channel {
  return {
    name: 'log',
    async send({ recipient, message }) {
      const to = recipient.address ?? `${recipient.role} (no contact)`;
      logger.log(`reminder to ${recipient.name ?? ''} <${to}>: ${message.subject}\n${message.text}`, 'Reminders');
    },
  };
}

/** The channel each planned way of delivery goes through: email falls back to the log when no SMTP server is configured. */
export function channelsFor(settings: Pick<ReminderSettings, 'smtpUrl' | 'smtpFrom' | 'webhookSecret'>, logger: Pick<LoggerService, 'log'>): Record<ChannelName, Channel> {
  const log = logChannel(logger);
  return {
    email: settings.smtpUrl ? emailChannel(settings.smtpUrl, settings.smtpFrom) : log,
    webhook: webhookChannel(settings.webhookSecret),
    log,
  };
}
