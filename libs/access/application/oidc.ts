import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { OidcConfig } from '@shinchoku/config';
import { Clock } from '@shinchoku/runtime';
import type { Grant } from '../domain/grants';
import { NotAuthenticated, Principal } from './principal';

/**
 * Bearer JWTs from the municipality's identity provider. Keys come from its JWKS URL and are
 * cached by jose (refetched when an unknown key id appears), so a request costs no round trip.
 */
export class OidcVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    private readonly config: OidcConfig,
    private readonly clock: Clock,
  ) {
    this.keys = createRemoteJWKSet(new URL(config.jwksUrl));
  }

  async authenticate(jwt: string): Promise<Principal> {
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
      throw new NotAuthenticated(`the identity token was refused: ${(error as Error).message}`, expired ? 'TokenExpired' : 'Unauthenticated');
    }
    const name = claims[this.config.nameClaim];
    return {
      actor: { id: `oidc:${claims.sub}`, name: typeof name === 'string' && name.trim() ? name : claims.sub! },
      grants: this.grantsOf(claims[this.config.groupsClaim]),
      via: 'oidc',
    };
  }

  private grantsOf(groups: unknown): Grant[] {
    const values = Array.isArray(groups) ? groups : typeof groups === 'string' ? [groups] : [];
    return values.flatMap((group) => (typeof group === 'string' ? (this.config.grants[group] ?? []) : []));
  }
}
