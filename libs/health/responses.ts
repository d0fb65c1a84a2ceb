import { z } from 'zod';
import { named } from '@shinchoku/http';

const check = { status: z.enum(['up', 'down']), latencyMs: z.number(), error: z.string().optional() };

export const healthReport = named(
  'HealthReport',
  'unavailable: the database is down, nothing works (503). degraded: the queue is down, reminders wait; the API still serves (200).',
  z.object({
    status: z.enum(['ok', 'degraded', 'unavailable']),
    checks: z.object({ database: z.object(check), queue: z.object({ ...check, backend: z.string() }) }),
  }),
);
