import { z } from 'zod';

/** How a setting's text becomes a value: the shapes every library's settings are written in. */

export const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    );

export const integer = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);
};

/** A setting holding JSON, checked against a schema; `notJson` says what was expected when it is not JSON at all. */
export const json = <T extends z.ZodType>(schema: T, notJson = 'must be JSON') =>
  z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: notJson });
        return z.NEVER;
      }
    })
    .pipe(schema);

export const isoDates = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((day) => day.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.iso.date({ error: 'must be dates as YYYY-MM-DD, separated by commas' })));

export const flag = z.enum(['true', 'false'], { error: "must be 'true' or 'false'" }).transform((value) => value === 'true');

/** A comma-separated list, each entry trimmed, empty ones dropped. */
export const list = z.string().transform((value) =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean),
);
