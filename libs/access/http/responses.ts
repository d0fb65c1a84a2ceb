import { z } from 'zod';
import { named } from '@shinchoku/http';
import { ROLES } from '../domain/grants';
import { PERMISSIONS } from '../domain/permissions';

/** The response shapes of the access routes: one source for the handlers' types and for OpenAPI. */

const instant = z.string().meta({ format: 'date-time' });
const grant = z.object({ role: z.enum(ROLES), department: z.string().optional(), unit: z.string().optional() });

export const tokenIssued = named(
  'TokenIssued',
  'A new token: `token` (shk_…) is in this response and nowhere else; store it now.',
  z.object({
    tokenId: z.uuid(),
    token: z.string().regex(/^shk_/),
    name: z.string(),
    grants: z.array(grant),
    expiresAt: instant.nullable(),
  }),
);

export const tokenList = named(
  'TokenList',
  'Every token issued, without the tokens themselves.',
  z.object({
    items: z.array(
      z.object({
        tokenId: z.uuid(),
        name: z.string(),
        grants: z.array(grant),
        issuedAt: instant,
        issuedBy: z.object({ id: z.string(), name: z.string() }),
        expiresAt: instant.nullable(),
        revokedAt: instant.nullable(),
        lastUsedAt: instant.nullable(),
      }),
    ),
  }),
);

export const tokenRevoked = named(
  'TokenRevoked',
  'The token and when it was revoked (the first time, when revoked again).',
  z.object({ tokenId: z.uuid(), revokedAt: instant }),
);

const where = z.object({
  department: z.string().optional().meta({ description: 'Absent: the whole organization.' }),
  unit: z.string().optional().meta({ description: 'Absent: every unit of the department.' }),
});

export const me = named(
  'Me',
  'Who is signed in, the grants they hold, and what those let them do where: the same rules every route is checked with.',
  z.object({
    actor: z.object({ id: z.string(), name: z.string() }).meta({ description: 'As recorded on every event they cause.' }),
    via: z.enum(['bootstrap', 'token', 'oidc']).meta({
      description: '`bootstrap`: the ADMIN_TOKEN; `token`: an issued API token; `oidc`: a JWT from the identity provider (SSO).',
    }),
    grants: z.array(grant),
    permissions: z
      .array(z.object({ permission: z.enum(PERMISSIONS), scopes: z.array(where) }))
      .meta({ description: 'Each permission held somewhere, with where; a permission held nowhere is not listed.' }),
  }),
);

export const signInOptions = named(
  'SignInOptions',
  'How to sign in: with an API token always, and through the identity provider when `sso` says so.',
  z.object({
    sso: z
      .object({
        authorizationUrl: z.url().meta({ description: 'Where the browser is sent with the authorization request (code, S256 challenge).' }),
        tokenUrl: z.url().meta({ description: 'Where the code and its verifier are exchanged for the access token (CORS).' }),
        clientId: z.string(),
        scope: z.string().meta({ description: 'Space-separated, as the request sends it.' }),
      })
      .nullable()
      .meta({ description: 'null: SSO is not configured (OIDC_CLIENT_ID and the rest unset).' }),
  }),
);
