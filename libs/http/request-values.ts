import { z } from 'zod';

/**
 * An id in a path, query or body. RFC 9562 reads UUIDs case-insensitively and writes them in
 * lower case, and PostgreSQL's uuid type compares them so: one spelling per id (stream names,
 * caches and ETags are text) means every route treats `ABC…` as `abc…`, instead of a read finding
 * the sheet and a write missing its stream. Braces, `urn:uuid:` and missing hyphens are refused.
 */
export const uuid = z.uuid({ error: 'must be a UUID' }).overwrite((id) => id.toLowerCase());

/**
 * A whole number written in a path or query: ASCII digits only, no sign, exponent, fraction,
 * leading zero, space or full-width digit (`z.coerce.number` reads `1e0`, ` 1` and `0x1` as 1).
 */
export const wholeNumberText = (min: number, max: number, message: string) =>
  z
    .string({ error: message })
    .regex(/^(?:0|[1-9][0-9]{0,15})$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message))
    // What the digits are, for the document and the clients made from it (2026.5 or 1e3 are not).
    .meta({ type: 'integer', minimum: min, maximum: max, pattern: undefined });
