import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { PREPARED, type Database } from '@shinchoku/database';
import { Actor, AppendedEvent, EventStore, WrongExpectedVersionError } from '@shinchoku/event-store';
import { Clock } from '@shinchoku/runtime';
import { canonicalGrant, type Grant } from '../domain/grants';
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
const hashOf = (token: string) => createHash('sha256').update(token).digest();
const streamOf = (tokenId: string) => `access-token-${tokenId}`;

/**
 * Per-person API tokens. Issuing and revoking are events (who gave whom what, and when); the
 * `access_tokens` table is their inline projection and the only thing read per request.
 */
export class AccessTokens {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  /** The token itself is returned once, here, and never stored. */
  async issue(request: TokenRequest, actor: Actor, source: string): Promise<{ tokenId: string; token: string }> {
    const tokenId = randomUUID();
    const token = `shk_${randomBytes(32).toString('base64url')}`;
    const data: TokenIssued = {
      tokenId,
      name: request.name,
      grants: request.grants.map(canonicalGrant),
      expiresAt: request.expiresAt?.toISOString() ?? null,
      tokenHash: hashOf(token).toString('hex'),
    };
    await this.store.append(streamOf(tokenId), 0, [{ type: 'TokenIssued', data }], { actor, source }, (trx, events) =>
      this.project(trx, events),
    );
    return { tokenId, token };
  }

  /** Undefined when there is no such token; revoking twice changes nothing. */
  async revoke(tokenId: string, actor: Actor, source: string): Promise<{ revokedAt: string } | undefined> {
    const row = await this.db.selectFrom('access_tokens').select('revoked_at').where('token_id', '=', tokenId).executeTakeFirst();
    if (!row) return undefined;
    if (row.revoked_at) return { revokedAt: row.revoked_at.toISOString() };
    const revokedAt = this.clock.now().toISOString();
    try {
      // Version 1 is the issue: of two revocations at once, one is recorded and the other finds it.
      await this.store.append(streamOf(tokenId), 1, [{ type: 'TokenRevoked', data: { tokenId, revokedAt } }], { actor, source }, (trx, events) =>
        this.project(trx, events),
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return this.revoke(tokenId, actor, source);
      throw error;
    }
    return { revokedAt };
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
    }));
  }

  /**
   * One indexed lookup: the caller, or why not. It runs before every request with an issued token,
   * so it is prepared: parsing and planning it cost Postgres as much as running it.
   */
  async authenticate(token: string): Promise<Principal> {
    if (!TOKEN.test(token)) throw new NotAuthenticated('the token is not valid');
    const { rows } = await sql<Pick<Database['access_tokens'], 'token_id' | 'name' | 'grants' | 'expires_at' | 'revoked_at'>>`${sql.raw(PREPARED)}
      SELECT token_id, name, grants, expires_at, revoked_at FROM access_tokens WHERE token_hash = ${hashOf(token)}`.execute(this.db);
    const row = rows[0];
    if (!row) throw new NotAuthenticated('the token is not valid');
    if (row.revoked_at) throw new NotAuthenticated('the token has been revoked');
    if (row.expires_at && row.expires_at <= this.clock.now()) throw new NotAuthenticated('the token has expired');
    return { actor: { id: `token:${row.token_id}`, name: row.name }, grants: row.grants as Grant[], via: 'token' };
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
        await trx.updateTable('access_tokens').set({ revoked_at: new Date(revokedAt) }).where('token_id', '=', tokenId).execute();
      }
    }
  }
}
