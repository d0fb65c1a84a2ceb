import { fiscalYearOf, fiscalYearRange, tokyoDateOf } from '@shinchoku/municipality';

/**
 * How long an issued token lasts unless its issuer names an expiry: until the end of the fiscal
 * year it is issued in (people change posts in April, 人事異動), a number of days, or for ever.
 */
export type TokenExpiry = 'fiscal-year-end' | 'none' | { days: number };

export const TOKEN_EXPIRY_SHAPE = "must be 'fiscal-year-end', 'none' or a number of days from 1 to 3650";

/** The setting's text, or undefined when it is none of the accepted forms. */
export function parseTokenExpiry(text: string): TokenExpiry | undefined {
  if (text === 'fiscal-year-end' || text === 'none') return text;
  const days = /^\d{1,4}$/.test(text) ? Number(text) : 0;
  return days >= 1 && days <= 3650 ? { days } : undefined;
}

/** When a token issued at `issuedAt` expires by default; null = never. The year ends 31 March, 23:59:59.999 in Tokyo. */
export function defaultExpiry(issuedAt: Date, rule: TokenExpiry): Date | null {
  if (rule === 'none') return null;
  if (rule === 'fiscal-year-end') return new Date(`${fiscalYearRange(fiscalYearOf(tokyoDateOf(issuedAt))).end}T23:59:59.999+09:00`);
  return new Date(issuedAt.getTime() + rule.days * 86_400_000);
}
