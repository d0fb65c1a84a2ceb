import { z } from 'zod';
import { integer, json, list, url, type Config } from '@shinchoku/config';
import { type Grant, parseGrant } from './domain/grants';
import { TOKEN_EXPIRY_SHAPE, parseTokenExpiry, type TokenExpiry } from './domain/expiry';
import { isAddressOrRange } from './http/client-address';

const GRANTS_SHAPE = 'must be a JSON object of group → ["role[:department[/unit]]", ...]';

/**
 * OIDC_GRANTS: a JSON object from a value of the groups claim to the grants it gives, each in the
 * CLI's form: {"shinchoku-admins": ["admin"], "nishi-chiiki": ["editor:西区/地域課", "viewer:西区"]}.
 */
const oidcGrants = json(z.record(z.string(), z.array(z.string()), { error: GRANTS_SHAPE }), GRANTS_SHAPE).transform(
  (groups, context): Record<string, Grant[]> =>
    Object.fromEntries(
      Object.entries(groups).map(([group, texts]) => [
        group,
        texts.map((text) => {
          const grant = parseGrant(text);
          if (typeof grant === 'string') context.addIssue({ code: 'custom', message: `${group}: ${grant}` });
          return grant as Grant;
        }),
      ]),
    ),
);

/** Access's settings, read from the environment with every other library's (unset = the default). */
export const accessEnvironment = {
  OIDC_ISSUER: z.string().trim().min(1).optional(),
  OIDC_AUDIENCE: z.string().trim().min(1).optional(),
  OIDC_JWKS_URL: url(['https:', 'http:']).optional(),
  OIDC_GROUPS_CLAIM: z.string().trim().min(1).default('groups'),
  OIDC_NAME_CLAIM: z.string().trim().min(1).default('name'),
  OIDC_GRANTS: oidcGrants.optional(),
  RATE_LIMIT_MAX: integer(1, 1_000_000).default(600),
  RATE_LIMIT_WINDOW_S: integer(1, 86_400).default(60),
  CORS_ORIGINS: list
    .pipe(z.array(url(['https:', 'http:']).refine((o) => new URL(o).origin === o, 'each origin is scheme://host[:port], no path')))
    .optional(),
  // The default lifetime of issued tokens, and failed sign-ins per client address (counted before any token lookup).
  TOKEN_DEFAULT_EXPIRY: z
    .string()
    .trim()
    .transform((text, context) => parseTokenExpiry(text) ?? (context.addIssue({ code: 'custom', message: TOKEN_EXPIRY_SHAPE }), z.NEVER))
    .default('fiscal-year-end'),
  AUTH_FAILURES_MAX: integer(1, 1_000_000).default(100),
  AUTH_FAILURES_WINDOW_S: integer(1, 86_400).default(60),
  TRUSTED_PROXIES: list
    .pipe(z.array(z.string().refine(isAddressOrRange, 'each entry is an IP address or a CIDR range such as 10.0.0.0/8')))
    .optional(),
  // Issued tokens kept in memory per API process once found working (0 = looked up on every request); revocations
  // arrive by LISTEN/NOTIFY, and the poll (which also finds a dead listener connection) is the fallback's bound.
  TOKEN_CACHE_ENTRIES: integer(0, 1_000_000).default(10_000),
  TOKEN_CACHE_POLL_MS: integer(100, 60_000).default(1_000),
};

export type AccessEnvironment = z.output<z.ZodObject<typeof accessEnvironment>>;

/** SSO is all or nothing: half a configuration would accept no one, or worse. */
export function checkAccessEnvironment(e: AccessEnvironment, context: z.RefinementCtx): void {
  const oidc = ['OIDC_ISSUER', 'OIDC_AUDIENCE', 'OIDC_JWKS_URL', 'OIDC_GRANTS'] as const;
  if (oidc.some((key) => e[key] !== undefined)) {
    for (const key of oidc.filter((k) => e[k] === undefined)) {
      context.addIssue({ code: 'custom', path: [key], message: `must be set when any of ${oidc.join(', ')} is` });
    }
  }
}

export interface AccessSettings {
  /** SSO: bearer JWTs from this issuer for this audience, their groups claim mapped to grants. */
  oidc?: OidcConfig;
  /** Requests per token (not the bootstrap admin) within a window, counted across all API processes. */
  rateLimit: { max: number; windowMs: number };
  /** Browser origins allowed to call the API; none = CORS off. */
  corsOrigins: string[];
  /** How long a token lasts when its issuer names no expiry. */
  tokenDefaultExpiry: TokenExpiry;
  /** Issued tokens each API process keeps once found working; 0 = every request reads the table. */
  tokenCacheEntries: number;
  /** How often the token cache's listener asks which kept tokens are revoked, and so proves it is alive. */
  tokenCachePollMs: number;
  /** Failed authentications per client address within a window, across all API processes; past it, 429 before any lookup. */
  authFailureLimit: { max: number; windowMs: number };
  /** Reverse proxies whose X-Forwarded-For names the client; none = the peer's address is the client. */
  trustedProxies: string[];
}

/** The configuration as access reads it: the plain settings and its own. */
export type AccessConfig = Config & AccessSettings;

export interface OidcConfig {
  issuer: string;
  audience: string;
  jwksUrl: string;
  groupsClaim: string;
  nameClaim: string;
  grants: Record<string, Grant[]>;
}

export function accessSettingsOf(e: AccessEnvironment): AccessSettings {
  return {
    ...(e.OIDC_ISSUER !== undefined && {
      oidc: {
        issuer: e.OIDC_ISSUER,
        audience: e.OIDC_AUDIENCE!,
        jwksUrl: e.OIDC_JWKS_URL!,
        groupsClaim: e.OIDC_GROUPS_CLAIM,
        nameClaim: e.OIDC_NAME_CLAIM,
        grants: e.OIDC_GRANTS!,
      },
    }),
    rateLimit: { max: e.RATE_LIMIT_MAX, windowMs: e.RATE_LIMIT_WINDOW_S * 1000 },
    corsOrigins: e.CORS_ORIGINS ?? [],
    tokenDefaultExpiry: e.TOKEN_DEFAULT_EXPIRY,
    tokenCacheEntries: e.TOKEN_CACHE_ENTRIES,
    tokenCachePollMs: e.TOKEN_CACHE_POLL_MS,
    authFailureLimit: { max: e.AUTH_FAILURES_MAX, windowMs: e.AUTH_FAILURES_WINDOW_S * 1000 },
    trustedProxies: e.TRUSTED_PROXIES ?? [],
  };
}
