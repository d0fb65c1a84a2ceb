import { createHash } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { OidcConfig } from '../access-settings';
import { frozen, type DeepReadonly } from '@shinchoku/immutable';
import { Clock } from '@shinchoku/runtime';
import type { Grant } from '../domain/grants';
import { NotAuthenticated, Principal } from './principal';

/** A JWT verified once, by its SHA-256: what it says never changes, only whether it is in time. */
interface Verified {
  principal: Principal;
  /** Seconds, as the claims say. */
  exp: number;
  nbf?: number;
}

/**
 * Bearer JWTs from the municipality's identity provider. Keys come from its JWKS URL and are
 * cached by jose (refetched when an unknown key id appears), so a request costs no round trip.
 * A JWT verified once is served from memory (up to `capacity` of them) while the clock is within
 * its `nbf` and `exp`, compared as jose compares them; outside, it is verified again, and refused
 * as jose refuses it.
 */
export class OidcVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;
  private readonly verified = new Map<string, DeepReadonly<Verified>>();

  constructor(
    private readonly config: OidcConfig,
    private readonly clock: Clock,
    private readonly capacity = 0,
  ) {
    this.keys = createRemoteJWKSet(new URL(config.jwksUrl));
  }

  async authenticate(jwt: string): Promise<Principal> {
    const key = createHash('sha256').update(jwt).digest('base64');
    const hit = this.verified.get(key);
    // jose's own rule: whole seconds, expired at exp, not valid before nbf.
    const now = Math.floor(this.clock.now().getTime() / 1000);
    if (hit && now < hit.exp && (hit.nbf === undefined || hit.nbf <= now)) return hit.principal;
    const { principal, claims } = await this.verify(jwt);
    if (this.capacity > 0) {
      if (this.verified.size >= this.capacity) this.verified.clear();
      this.verified.set(key, frozen({ principal, exp: claims.exp!, ...(claims.nbf !== undefined && { nbf: claims.nbf }) }));
    }
    return principal;
  }

  private async verify(jwt: string): Promise<{ principal: Principal; claims: JWTPayload }> {
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(jwt, this.keys, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        currentDate: this.clock.now(),
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      // jose's messages say what failed (signature, "aud" claim, "exp" claim) and never echo the token.
      const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw new NotAuthenticated(
        `the identity token was refused: ${(error as Error).message}`,
        expired ? 'TokenExpired' : 'Unauthenticated',
      );
    }
    const name = claims[this.config.nameClaim];
    const principal: Principal = {
      actor: { id: `oidc:${claims.sub}`, name: typeof name === 'string' && name.trim() ? name : claims.sub! },
      grants: this.grantsOf(claims[this.config.groupsClaim]),
      via: 'oidc',
    };
    return { principal, claims };
  }

  private grantsOf(groups: unknown): Grant[] {
    const values = Array.isArray(groups) ? groups : typeof groups === 'string' ? [groups] : [];
    return values.flatMap((group) => (typeof group === 'string' ? (this.config.grants[group] ?? []) : []));
  }
}
