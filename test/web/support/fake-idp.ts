import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

const KID = 'fake-idp';
export const SSO_AUDIENCE = 'shinchoku';
export const SSO_CLIENT_ID = 'shinchoku-web';

/** What the next authorization request is answered with, to provoke each failure a browser can meet. */
export type NextAnswer = 'code' | 'forged-state' | 'access-denied' | 'wrong-challenge';

export interface FakeIdp {
  /** Its origin, e.g. http://127.0.0.1:41234: the one the page's CSP must allow. */
  origin: string;
  /** The server's OIDC settings for this provider, its groups mapped by `grants`. */
  environment(grants: Record<string, string[]>): Record<string, string>;
  /** How the next authorization request is answered (then back to 'code'). */
  next: NextAnswer;
  /** The person who signs in: their subject, name and groups. */
  person: { sub: string; name: string; groups: string[] };
  close(): Promise<void>;
}

interface Grant {
  challenge: string;
  redirectUri: string;
  nonce: string;
}

/**
 * An OpenID provider in a few routes, for the browser tests: the authorization endpoint answers at
 * once (the person is taken as signed in) with a code and the state, the token endpoint checks the
 * PKCE verifier against the challenge and answers an access token for the API (with CORS, as a
 * provider's token endpoint does for public clients), and the JWKS endpoint serves the key.
 */
export async function startFakeIdp(): Promise<FakeIdp> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  const codes = new Map<string, Grant>();
  const server = createServer((request, response) => void answer(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const idp: FakeIdp = {
    origin,
    next: 'code',
    person: { sub: 'u-5678', name: '佐藤 一郎', groups: [] },
    environment: (grants) => ({
      OIDC_ISSUER: origin,
      OIDC_AUDIENCE: SSO_AUDIENCE,
      OIDC_JWKS_URL: `${origin}/jwks`,
      OIDC_GRANTS: JSON.stringify(grants),
      OIDC_CLIENT_ID: SSO_CLIENT_ID,
      OIDC_AUTHORIZATION_URL: `${origin}/authorize`,
      OIDC_TOKEN_URL: `${origin}/token`,
    }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  // The API's test clock is not this one: the tokens are valid from 2000 to 2100 whatever it says.
  const sign = (claims: Record<string, unknown>, audience: string) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: KID })
      .setIssuer(origin)
      .setSubject(idp.person.sub)
      .setAudience(audience)
      .setIssuedAt(Date.parse('2000-01-01T00:00:00Z') / 1000)
      .setExpirationTime(Date.parse('2100-01-01T00:00:00Z') / 1000)
      .sign(privateKey);

  async function answer(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', origin);
    const cors = { 'access-control-allow-origin': request.headers.origin ?? '*', vary: 'origin' };
    if (url.pathname === '/jwks') return json(response, 200, { keys: [jwk] });
    if (url.pathname === '/authorize') return authorize(url.searchParams, response);
    if (url.pathname === '/token' && request.method === 'OPTIONS') {
      return response
        .writeHead(204, { ...cors, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type' })
        .end();
    }
    if (url.pathname === '/token' && request.method === 'POST') {
      const form = new URLSearchParams(await text(request));
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verified =
        grant !== undefined &&
        form.get('grant_type') === 'authorization_code' &&
        form.get('client_id') === SSO_CLIENT_ID &&
        form.get('redirect_uri') === grant.redirectUri &&
        createHash('sha256')
          .update(form.get('code_verifier') ?? '')
          .digest('base64url') === grant.challenge;
      if (!verified) return json(response, 400, { error: 'invalid_grant' }, cors);
      const { name, groups } = idp.person;
      return json(
        response,
        200,
        {
          access_token: await sign({ name, groups }, SSO_AUDIENCE),
          id_token: await sign({ name, nonce: grant.nonce }, SSO_CLIENT_ID),
          token_type: 'Bearer',
          expires_in: 3600,
        },
        cors,
      );
    }
    json(response, 404, { error: 'not_found' });
  }

  function authorize(query: URLSearchParams, response: ServerResponse) {
    const redirectUri = query.get('redirect_uri') ?? '';
    const valid =
      query.get('response_type') === 'code' &&
      query.get('client_id') === SSO_CLIENT_ID &&
      query.get('code_challenge_method') === 'S256' &&
      /^[A-Za-z0-9_-]{43}$/.test(query.get('code_challenge') ?? '') &&
      redirectUri.endsWith('/login/callback');
    if (!valid) return json(response, 400, { error: 'invalid_request' });
    const next = idp.next;
    idp.next = 'code';
    const back = new URL(redirectUri);
    back.searchParams.set('state', next === 'forged-state' ? 'forged' : query.get('state')!);
    if (next === 'access-denied') {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'the person is not allowed to use this application');
    } else {
      const code = randomUUID();
      const challenge = next === 'wrong-challenge' ? 'A'.repeat(43) : query.get('code_challenge')!;
      codes.set(code, { challenge, redirectUri, nonce: query.get('nonce') ?? '' });
      back.searchParams.set('code', code);
    }
    response.writeHead(302, { location: back.href }).end();
  }

  return idp;
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
}

async function text(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
