import type { EventStore } from './event-store';
import type { AppendResult, StreamAppend } from './types';

interface Waiting {
  part: StreamAppend;
  resolve(result: AppendResult): void;
  reject(reason: unknown): void;
}

/**
 * Appends of different streams that arrive while earlier ones are in flight are sent together
 * (EventStore.appendEach): one round trip and one commit for many commands, each still checked
 * on its own expected version and answered on its own. Nothing waits for company: an append
 * arriving when a slot is free goes at once, alone, so a quiet server answers as fast as before.
 * Callers keep one stream's appends in turn (as CommandRunner's StreamTurns do), so a group
 * holds at most one part per stream.
 */
export class GroupCommit {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;

  // One group in flight: with two, groups were smaller and each command cost more CPU in
  // alternated runs of bench:api (docs/performance.md).
  constructor(
    private readonly store: EventStore,
    private readonly limits: { readonly inFlight: number; readonly parts: number } = { inFlight: 1, parts: 32 },
  ) {}

  append(part: StreamAppend): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ part, resolve, reject });
      this.send();
    });
  }

  private send(): void {
    while (this.inFlight < this.limits.inFlight && this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.limits.parts);
      this.inFlight += 1;
      void this.store
        .appendEach(group.map((w) => w.part))
        .then(
          (results) =>
            results.forEach((result, i) =>
              result.status === 'fulfilled' ? group[i]!.resolve(result.value) : group[i]!.reject(result.reason),
            ),
          (error: unknown) => group.forEach((w) => w.reject(error)),
        )
        .finally(() => {
          this.inFlight -= 1;
          this.send();
        });
    }
  }
}
