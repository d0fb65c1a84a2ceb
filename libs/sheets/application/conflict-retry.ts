import { WrongExpectedVersionError } from '@shinchoku/event-store';

/** Attempts before a conflict with another process is given up and answered. */
export const CONFLICT_RETRIES = 8;

/** What an attempt returns when what it decided on was this process's stale memory: try again at once. */
export const AGAIN = Symbol('again');

/**
 * Runs `attempt` until it answers. Another process appending first (WrongExpectedVersionError) is
 * retried on the new state after a short random backoff, so racing processes spread out; unless
 * the client pinned the version it saw (`pinned`, If-Match), when a change meanwhile is its answer.
 */
export async function retryOnConflict<T>(pinned: boolean, attempt: () => Promise<T | typeof AGAIN>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      const answer = await attempt();
      if (answer !== AGAIN) return answer;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || pinned || tries >= CONFLICT_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * tries));
    }
  }
}
