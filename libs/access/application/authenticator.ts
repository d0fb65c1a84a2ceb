import { hash, timingSafeEqual } from 'node:crypto';
import { AccessTokens } from './access-tokens';
import { OidcVerifier } from './oidc';
import { BOOTSTRAP_ADMIN, NotAuthenticated, Principal } from './principal';

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
// crypto.hash: a createHash object per request cost eight times as much, on every request.
const digest = (token: string) => hash('sha256', token, 'buffer');

/**
 * A bearer credential to a principal: the bootstrap token and JWTs without the database, a
 * database token with one indexed lookup (so a revocation counts from the very next request).
 * `beforeLookup` runs for every credential but the bootstrap token, before anything is verified
 * or looked up: where a flooding client is refused at no cost.
 */
export class Authenticator {
  private readonly adminDigest: Buffer;

  constructor(
    adminToken: string,
    private readonly tokens: AccessTokens,
    private readonly oidc?: OidcVerifier,
  ) {
    this.adminDigest = digest(adminToken);
  }

  async authenticate(authorization: string | undefined, beforeLookup: () => void = () => undefined): Promise<Principal> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    // Digests compared in constant time: the admin token's length and content never show in timing.
    if (token && timingSafeEqual(digest(token), this.adminDigest)) return BOOTSTRAP_ADMIN;
    beforeLookup();
    if (!token) {
      throw new NotAuthenticated(
        authorization ? 'the Authorization header must be "Bearer <token>"' : 'send Authorization: Bearer <token>',
      );
    }
    if (this.oidc && JWT.test(token)) return this.oidc.authenticate(token);
    return this.tokens.authenticate(token);
  }
}
