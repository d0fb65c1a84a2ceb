import { frozen, type DeepReadonly } from '@shinchoku/immutable';
import type { Grant } from '../domain/grants';

/** What a request needs of an issued token that works: who holds it, what it grants, until when. */
export interface KnownToken {
  tokenId: string;
  name: string;
  grants: readonly Grant[];
  /** Epoch ms; null = never. Checked on every request against the clock, as the lookup does. */
  expiresAt: number | null;
}

/**
 * Issued tokens this process has found working, by the SHA-256 of the token (never the token
 * itself), so a request with one costs no query. A token's name, grants and expiry never change
 * once issued; only a revocation does, and PrincipalChanges reports every one (`forget`). It
 * serves only while PrincipalChanges can tell (`resume`); when it cannot, it empties (`suspend`).
 *
 * A lookup is kept only if nothing was forgotten since it started (`since`/`keep`): it may have
 * read the row just before a revocation committed. Revocations are rare, so discarding every
 * lookup under way when one arrives costs nothing worth keeping apart.
 */
export class KnownTokens {
  private readonly byHash = new Map<string, DeepReadonly<KnownToken>>();
  private readonly hashById = new Map<string, string>();
  /** Moves on every forget, suspend and resume: a lookup started before it is not kept. */
  private generation = 0;
  private serving = false;
  /** Revocations this process made, waiting for the database to tell every listener (see `heard`). */
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly capacity: number) {}

  /** The token behind this digest, when it is known to work (expiry aside). */
  get(hash: string): DeepReadonly<KnownToken> | undefined {
    return this.serving ? this.byHash.get(hash) : undefined;
  }

  /** Where a lookup starts: hand it back to `keep`. */
  get since(): number {
    return this.generation;
  }

  /** Keeps what a lookup started at `since` found, unless something may have changed meanwhile. */
  keep(hash: string, token: KnownToken, since: number): void {
    if (!this.serving || since !== this.generation) return;
    // Past capacity it starts over: a busy city has far fewer people than this.
    if (this.byHash.size >= this.capacity) this.clear();
    this.byHash.set(hash, frozen(token));
    this.hashById.set(token.tokenId, hash);
  }

  /** The token was revoked (or may have been). */
  forget(tokenId: string): void {
    this.generation++;
    const hash = this.hashById.get(tokenId);
    if (hash !== undefined) this.byHash.delete(hash);
    this.hashById.delete(tokenId);
  }

  /** The ids of the tokens kept now: what the fallback poll asks about. */
  tokenIds(): string[] {
    return [...this.hashById.keys()];
  }

  /** Every revocation from now on will be reported: start serving, from empty. */
  resume(): void {
    this.clear();
    this.serving = this.capacity > 0;
  }

  /** Revocations may go unreported: serve nothing until `resume`. */
  suspend(): void {
    this.serving = false;
    this.clear();
  }

  /**
   * Resolves when the database has told this process that the token changed, or after `ms`: the
   * same commit tells every listening process, so a revocation that waits for it answers after the
   * others have heard of it too.
   */
  heard(tokenId: string, ms: number): Promise<void> {
    if (!this.serving) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.waiting.get(tokenId) ?? [];
      const done = () => {
        clearTimeout(timer);
        // A wait that timed out leaves nothing behind.
        const at = waiters.indexOf(done);
        if (at >= 0) waiters.splice(at, 1);
        if (waiters.length === 0 && this.waiting.get(tokenId) === waiters) this.waiting.delete(tokenId);
        resolve();
      };
      const timer = setTimeout(done, ms).unref();
      waiters.push(done);
      this.waiting.set(tokenId, waiters);
    });
  }

  /** The database reported a change of this token. */
  changed(tokenId: string): void {
    this.forget(tokenId);
    const waiters = this.waiting.get(tokenId);
    this.waiting.delete(tokenId);
    for (const done of [...(waiters ?? [])]) done();
  }

  private clear(): void {
    this.generation++;
    this.byHash.clear();
    this.hashById.clear();
  }
}
