import { createHash, randomUUID } from 'node:crypto';
import type { RequestContext } from './command-context';

/**
 * A new entity's id. With an Idempotency-Key it is derived from the key, so a retried request
 * names the same entity (and gets the same answer) instead of creating a second one.
 */
export function newId(request: RequestContext, purpose: string): string {
  if (!request.idempotencyKey) return randomUUID();
  return uuidFrom(request.actor.id, request.idempotencyKey, purpose);
}

/** The same parts always give the same UUID (an import names what it creates after what it read). */
export function uuidFrom(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\n')).digest('hex');
  // Shaped as an RFC 9562 UUID (version 8, "custom") so it passes anywhere a UUID is expected.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
