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

/** An endpoint of the identity provider the browser goes to: no credentials in it, no fragment (RFC 6749 3.1). */
const endpoint = url(['https:', 'http:']).refine((text) => {
  const parsed = new URL(text);
  return parsed.username === '' && parsed.password === '' && parsed.hash === '';
}, 'must carry no user:password@ and no #fragment');

/** Settings whose refused value is never echoed: a URL given with user:password@ is refused, not repeated into a log. */
export const ACCESS_SECRETS: readonly string[] = ['OIDC_AUTHORIZATION_URL', 'OIDC_TOKEN_URL'];

/** OAuth scope: space-separated scope tokens (RFC 6749 3.3), no quote or backslash. */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+(?: [\x21\x23-\x5b\x5d-\x7e]+)*$/;

/** Access's settings, read from the environment with every other library's (unset = the default). */
export const accessEnvironment = {
  OIDC_ISSUER: z.string().trim().min(1).optional(),
  OIDC_AUDIENCE: z.string().trim().min(1).optional(),
  OIDC_JWKS_URL: url(['https:', 'http:']).optional(),
  OIDC_GROUPS_CLAIM: z.string().trim().min(1).default('groups'),
  OIDC_NAME_CLAIM: z.string().trim().min(1).default('name'),
  OIDC_GRANTS: oidcGrants.optional(),
  // Sign-in from the web app (authorization code + PKCE, a public client: there is no secret to set).
  OIDC_CLIENT_ID: z
    .string()
    .trim()
    .regex(/^[\x21-\x7e]{1,200}$/, 'must be 1–200 visible ASCII characters')
    .optional(),
  OIDC_AUTHORIZATION_URL: endpoint.optional(),
  OIDC_TOKEN_URL: endpoint.optional(),
  OIDC_SCOPE: z
    .string()
    .trim()
    .regex(SCOPE, 'must be scopes separated by single spaces, such as "openid profile"')
    .default('openid profile'),
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

const OIDC = ['OIDC_ISSUER', 'OIDC_AUDIENCE', 'OIDC_JWKS_URL', 'OIDC_GRANTS'] as const;
const SIGN_IN = ['OIDC_CLIENT_ID', 'OIDC_AUTHORIZATION_URL', 'OIDC_TOKEN_URL'] as const;

/**
 * SSO is all or nothing: half a configuration would accept no one, or worse. Sign-in from the web
 * app is all or nothing too, and needs the rest: what it signs people in with must be verified.
 */
export function checkAccessEnvironment(e: AccessEnvironment, context: z.RefinementCtx): void {
  const reported = new Set<string>();
  for (const [group, when] of [
    [OIDC, OIDC],
    [SIGN_IN, SIGN_IN],
    [OIDC, SIGN_IN],
  ] as const) {
    if (!when.some((key) => e[key] !== undefined)) continue;
    for (const key of group.filter((k) => e[k] === undefined && !reported.has(k))) {
      reported.add(key);
      context.addIssue({ code: 'custom', path: [key], message: `must be set when any of ${when.join(', ')} is` });
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
  /** Sign-in from the web app, when offered: what the browser needs, and nothing secret. */
  signIn?: SignInConfig;
}

export interface SignInConfig {
  clientId: string;
  authorizationUrl: string;
  tokenUrl: string;
  scope: string;
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
        ...(e.OIDC_CLIENT_ID !== undefined && {
          signIn: {
            clientId: e.OIDC_CLIENT_ID,
            authorizationUrl: e.OIDC_AUTHORIZATION_URL!,
            tokenUrl: e.OIDC_TOKEN_URL!,
            scope: e.OIDC_SCOPE,
          },
        }),
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
