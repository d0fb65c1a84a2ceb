import type { EventStore } from '@shinchoku/event-store';
import { VersionMismatch } from './command-errors';

/**
 * The If-Match check: the client's `seen` version against the stream's `version`. Events that
 * change nothing (`unchanging`: a reminder recorded) do not make it stale: when only such events
 * came after `seen`, it holds, and the append is expected at `version`. They are read from the
 * store, so a stale remembered `version` cannot vouch for them; the append's expected version
 * then checks the rest. Undefined when the check holds.
 */
export async function checkIfMatch(
  store: EventStore,
  stream: string,
  unchanging: ReadonlySet<string> | undefined,
  seen: number,
  version: number,
): Promise<VersionMismatch | undefined> {
  if (seen === version) return undefined;
  if (unchanging && seen >= 1 && seen < version) {
    const since = await store.readStream(stream, { afterVersion: seen });
    if (since.length > 0 && since.every((event) => unchanging.has(event.type))) return undefined;
  }
  return new VersionMismatch(seen, version);
}
