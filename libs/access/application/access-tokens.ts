import { hash as digestOf, randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { PREPARED, type Database } from '@shinchoku/database';
import { Actor, AppendedEvent, EventStore, WrongExpectedVersionError } from '@shinchoku/event-store';
import { Clock } from '@shinchoku/runtime';
import { canonicalGrant, sameDepartment, type Grant } from '../domain/grants';
import { defaultExpiry, type TokenExpiry } from '../domain/expiry';
import { KnownTokens, type KnownToken } from './known-tokens';
import { PRINCIPAL_CHANNEL } from './principal-changes';
import { NotAuthenticated, Principal } from './principal';

export interface TokenRequest {
  /** The person (or system) the token is for: it becomes the actor of what the token does. */
  name: string;
  grants: Grant[];
  expiresAt?: Date;
}

export interface TokenSummary {
  tokenId: string;
  name: string;
  grants: Grant[];
  issuedAt: string;
  issuedBy: Actor;
  expiresAt: string | null;
  revokedAt: string | null;
  /** To the minute: uses within a minute of the last one recorded are not written. */
  lastUsedAt: string | null;
}

interface TokenIssued {
  tokenId: string;
  name: string;
  grants: Grant[];
  expiresAt: string | null;
  /** SHA-256 of the token, hex: enough to recognise it, useless for calling the API. */
  tokenHash: string;
}

/** Tokens look like this, so anything else is refused without a database round trip. */
const TOKEN = /^shk_[A-Za-z0-9_-]{43}$/;
const hashOf = (token: string) => digestOf('sha256', token, 'buffer');
const streamOf = (tokenId: string) => `access-token-${tokenId}`;
/** How stale a token's last use may be shown: a busy token costs one write a minute, not one per request. */
const LAST_USE_PRECISION_MS = 60_000;
/** Tokens whose last write this process remembers; past it, it forgets and writes once more each. */
const REMEMBERED_USES = 50_000;
/** How long a revocation waits for the database to announce it back, at most. */
const ANNOUNCED_WITHIN_MS = 1_000;

/**
 * Per-person API tokens. Issuing and revoking are events (who gave whom what, and when); the
 * `access_tokens` table is their inline projection. With `known` (the API), a token found working
 * is served from memory afterwards, and a revocation is announced to every listening process in its
 * own transaction; without it (the CLI's lookups), every authentication reads the table.
 */
export class AccessTokens {
  /** Token id → when this process last wrote its use (epoch ms). */
  private readonly usesWritten = new Map<string, number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly expiry: TokenExpiry = 'fiscal-year-end',
    private readonly known?: KnownTokens,
  ) {}

  /** The token itself is returned once, here, and never stored. Without an expiry, the default one applies. */
  async issue(request: TokenRequest, actor: Actor, source: string): Promise<{ tokenId: string; token: string; expiresAt: string | null }> {
    const tokenId = randomUUID();
    const token = `shk_${randomBytes(32).toString('base64url')}`;
    const expiresAt = (request.expiresAt ?? defaultExpiry(this.clock.now(), this.expiry))?.toISOString() ?? null;
    const data: TokenIssued = {
      tokenId,
      name: request.name,
      grants: request.grants.map(canonicalGrant),
      expiresAt,
      tokenHash: hashOf(token).toString('hex'),
    };
    await this.store.append(streamOf(tokenId), 0, [{ type: 'TokenIssued', data }], { actor, source }, (trx, events) =>
      this.project(trx, events),
    );
    return { tokenId, token, expiresAt };
  }

  /** Undefined when there is no such token; revoking twice changes nothing. */
  async revoke(tokenId: string, actor: Actor, source: string): Promise<{ revokedAt: string } | undefined> {
    const row = await this.db.selectFrom('access_tokens').select('revoked_at').where('token_id', '=', tokenId).executeTakeFirst();
    if (!row) return undefined;
    if (row.revoked_at) return { revokedAt: row.revoked_at.toISOString() };
    const revokedAt = this.clock.now().toISOString();
    // Waiting from before the append: the announcement may come in before the append's answer.
    const announced = this.known?.heard(tokenId, ANNOUNCED_WITHIN_MS);
    try {
      // Version 1 is the issue: of two revocations at once, one is recorded and the other finds it.
      await this.store.append(
        streamOf(tokenId),
        1,
        [{ type: 'TokenRevoked', data: { tokenId, revokedAt } }],
        { actor, source },
        (trx, events) => this.project(trx, events),
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return this.revoke(tokenId, actor, source);
      throw error;
    }
    this.known?.forget(tokenId);
    // The commit told every listening process at once: answering once this process has heard it
    // means the others have too, in practice before the caller can send them anything.
    await announced;
    return { revokedAt };
  }

  /**
   * Revokes every token that still works and holds a grant in the department (or one of its
   * units), as when its people change posts; organization-wide tokens are left alone.
   */
  async revokeDepartment(department: string, actor: Actor, source: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('access_tokens')
      .select(['token_id', 'grants'])
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', this.clock.now())]))
      .orderBy('issued_at')
      .execute();
    const holders = rows
      .filter((row) =>
        (row.grants as Grant[]).some((grant) => grant.department !== undefined && sameDepartment(grant.department, department)),
      )
      .map((row) => row.token_id);
    for (const tokenId of holders) await this.revoke(tokenId, actor, source);
    return holders;
  }

  async list(): Promise<TokenSummary[]> {
    const rows = await this.db.selectFrom('access_tokens').selectAll().orderBy('issued_at').orderBy('token_id').execute();
    return rows.map((row) => ({
      tokenId: row.token_id,
      name: row.name,
      grants: row.grants as Grant[],
      issuedAt: row.issued_at.toISOString(),
      issuedBy: row.issued_by as Actor,
      expiresAt: row.expires_at?.toISOString() ?? null,
      revokedAt: row.revoked_at?.toISOString() ?? null,
      lastUsedAt: row.last_used_at?.toISOString() ?? null,
    }));
  }

  /**
   * The caller, or why not: from memory when this process knows the token, else one indexed
   * lookup. Expiry is checked against the clock either way, to the millisecond.
   */
  async authenticate(token: string): Promise<Principal> {
    if (!TOKEN.test(token)) throw new NotAuthenticated('the token is not valid');
    const hash = hashOf(token);
    const key = hash.toString('base64');
    const known = this.known?.get(key) ?? (await this.lookUp(hash, key));
    const now = this.clock.now();
    if (known.expiresAt !== null && known.expiresAt <= now.getTime()) throw new NotAuthenticated('the token has expired', 'TokenExpired');
    this.noteUse(known.tokenId, now);
    return { actor: { id: `token:${known.tokenId}`, name: known.name }, grants: known.grants, via: 'token' };
  }

  /** Prepared: it runs for every token a process does not know yet, and for every one in the CLI. */
  private async lookUp(hash: Buffer, key: string): Promise<KnownToken> {
    const since = this.known?.since;
    const { rows } = await sql<
      Pick<Database['access_tokens'], 'token_id' | 'name' | 'grants' | 'expires_at' | 'revoked_at'>
    >`${sql.raw(PREPARED)}
      SELECT token_id, name, grants, expires_at, revoked_at FROM access_tokens WHERE token_hash = ${hash}`.execute(this.db);
    const row = rows[0];
    if (!row) throw new NotAuthenticated('the token is not valid');
    if (row.revoked_at) throw new NotAuthenticated('the token has been revoked');
    const found: KnownToken = {
      tokenId: row.token_id,
      name: row.name,
      grants: row.grants as Grant[],
      expiresAt: row.expires_at?.getTime() ?? null,
    };
    if (since !== undefined) this.known!.keep(key, found, since);
    return found;
  }

  /**
   * Records the use at most once a minute per token: this process skips tokens it wrote less than
   * a minute ago, and the condition turns other processes' writes within that minute into no-ops.
   * Not awaited: the request never waits for it, and a failed write only leaves the time older.
   */
  private noteUse(tokenId: string, now: Date): void {
    const written = this.usesWritten.get(tokenId);
    if (written !== undefined && now.getTime() - written < LAST_USE_PRECISION_MS) return;
    if (this.usesWritten.size >= REMEMBERED_USES) this.usesWritten.clear();
    this.usesWritten.set(tokenId, now.getTime());
    const stale = new Date(now.getTime() - LAST_USE_PRECISION_MS);
    this.db
      .updateTable('access_tokens')
      .set({ last_used_at: now })
      .where('token_id', '=', tokenId)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', stale)]))
      .execute()
      .catch(() => this.usesWritten.delete(tokenId));
  }

  private async project(trx: Transaction<Database>, events: AppendedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'TokenIssued') {
        const data = event.data as TokenIssued;
        await trx
          .insertInto('access_tokens')
          .values({
            token_id: data.tokenId,
            token_hash: Buffer.from(data.tokenHash, 'hex'),
            name: data.name,
            grants: JSON.stringify(data.grants),
            issued_at: event.recordedAt,
            issued_by: JSON.stringify(event.metadata.actor),
            expires_at: data.expiresAt === null ? null : new Date(data.expiresAt),
          })
          .execute();
      } else if (event.type === 'TokenRevoked') {
        const { tokenId, revokedAt } = event.data as { tokenId: string; revokedAt: string };
        await trx
          .updateTable('access_tokens')
          .set({ revoked_at: new Date(revokedAt) })
          .where('token_id', '=', tokenId)
          .execute();
        // Delivered at commit to every API process listening (PrincipalChanges); revocations are
        // rare, so the server-wide lock a notifying commit takes is no cost to the commands.
        await sql`SELECT pg_notify(${PRINCIPAL_CHANNEL}, ${tokenId})`.execute(trx);
      }
    }
  }
}
