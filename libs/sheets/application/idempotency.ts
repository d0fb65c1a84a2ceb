import { createHash } from 'node:crypto';
import type { EventStore } from '@shinchoku/event-store';
import { canonicalJson } from '../domain/canonical';

/**
 * An Idempotency-Key as the store keeps it: the command id (the key, per actor) and a fingerprint
 * of what was asked. A retry repeats both and gets the first answer; the same key with another
 * command is refused (CommandIdReusedError).
 *
 * The key is not looked up before a first run: the append itself refuses a key already used and
 * returns the first result. Only an answer given without an append looks it up (`firstAnswer`).
 */
export interface IdempotencyKey {
  commandId: string;
  fingerprint: string;
}

export function idempotencyKeyOf<C extends { today: string }>(
  actorId: string,
  key: string | undefined,
  id: string,
  command: C,
): IdempotencyKey | undefined {
  return key ? { commandId: `${actorId}:${key}`, fingerprint: fingerprintOf(id, command) } : undefined;
}

/** The first run's answer to a command run before with this key, if there was one that appended. */
export async function firstAnswer(
  store: EventStore,
  key: IdempotencyKey | undefined,
): Promise<{ version: number; appended: 0 } | undefined> {
  const prior = key && (await store.processedCommand(key.commandId, key.fingerprint));
  return prior ? { version: prior.toVersion, appended: 0 } : undefined;
}

/** What a retry must repeat exactly; the date is left out so a retry after midnight is still the same command. */
function fingerprintOf(id: string, command: { today: string }): string {
  const { today: _today, ...rest } = command;
  return createHash('sha256')
    .update(canonicalJson({ id, command: rest }))
    .digest('base64url');
}
