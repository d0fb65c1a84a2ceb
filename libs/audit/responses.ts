import { z } from 'zod';
import { named } from '@shinchoku/http';

export const verificationReport = named(
  'VerificationReport',
  'Every stream’s hash chain walked: `ok` with counts, or the first broken event of each broken stream.',
  z.object({
    ok: z.boolean(),
    streams: z.number().int(),
    events: z.number().int(),
    broken: z.array(
      z.object({
        streamId: z.string(),
        version: z.number().int(),
        eventId: z.string().nullable(),
        globalPosition: z.string().nullable(),
        problem: z.enum(['contentChanged', 'chainBroken', 'versionGap', 'headMismatch']),
      }),
    ),
    checkedAt: z.string().meta({ format: 'date-time' }),
    durationMs: z.number().int(),
  }),
);
