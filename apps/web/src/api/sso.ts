import type { SsoOptions } from './models';

/**
 * Sign-in through the city's identity provider: OAuth 2.0 authorization code with PKCE (RFC 7636,
 * S256) as a public client, the browser exchanging the code itself, so no secret exists anywhere.
 * What the round trip needs (verifier, state, nonce, where to go next) waits in this tab's
 * sessionStorage and is used once.
 */
const PENDING = 'shinchoku.sso';

interface Pending {
  state: string;
  nonce: string;
  verifier: string;
  next: string | null;
}

/** Why sign-in failed, said to the person in Japanese. */
export class SignInError extends Error {}

export const redirectUri = () => `${location.origin}/login/callback`;

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const random = (bytes: number) => base64url(crypto.getRandomValues(new Uint8Array(bytes)));

/** Sends the browser to the identity provider; it comes back to /login/callback. */
export async function startSignIn(sso: SsoOptions, next: string | null): Promise<void> {
  // crypto.subtle exists only on https: (and http://localhost): the page was opened over plain http.
  if (!globalThis.crypto?.subtle) throw new SignInError('シングルサインオンには HTTPS での接続が必要です。');
  // 32 bytes: a 43-character verifier, the shortest RFC 7636 allows and all the entropy it asks for.
  const pending: Pending = { state: random(16), nonce: random(16), verifier: random(32), next };
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(pending.verifier))));
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(sso.authorizationUrl);
  const request = {
    response_type: 'code',
    client_id: sso.clientId,
    redirect_uri: redirectUri(),
    scope: sso.scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries(request)) url.searchParams.set(name, value);
  location.assign(url.href);
}

/** The pending sign-in of this tab, removed as it is read: a callback is answered once. */
function takePending(): Pending | undefined {
  const text = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  try {
    return text ? (JSON.parse(text) as Pending) : undefined;
  } catch {
    return undefined;
  }
}

interface TokenAnswer {
  access_token?: unknown;
  id_token?: unknown;
  error?: unknown;
}

/**
 * The callback's query to the access token: the state must be the one this tab sent (else the
 * answer is someone else's, CSRF), the code is exchanged with the verifier, and an ID token, when
 * the provider sends one, must carry the nonce sent. The token endpoint was reached directly over
 * the connection the CSP allows, so its answer is trusted as it stands (OIDC Core 3.1.3.7); the
 * API verifies the access token's signature on every request.
 */
export async function finishSignIn(sso: SsoOptions, query: URLSearchParams): Promise<{ token: string; next: string | null }> {
  const pending = takePending();
  if (!pending || query.get('state') !== pending.state) {
    throw new SignInError('サインインの要求と応答が一致しません（state）。もう一度シングルサインオンからやり直してください。');
  }
  const refused = query.get('error');
  if (refused) {
    const description = query.get('error_description');
    throw new SignInError(`認証サーバーがサインインを断りました（${refused}${description ? `：${description.slice(0, 200)}` : ''}）。`);
  }
  const code = query.get('code');
  if (!code) throw new SignInError('認証サーバーの応答に認可コードがありません。もう一度シングルサインオンからやり直してください。');
  let response: Response;
  try {
    // A form body and no custom header: a simple CORS request, no preflight.
    response = await fetch(sso.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri(),
        client_id: sso.clientId,
        code_verifier: pending.verifier,
      }),
    });
  } catch {
    throw new SignInError('認証サーバーに接続できませんでした。');
  }
  const answer = (await response.json().catch(() => ({}))) as TokenAnswer;
  if (!response.ok || typeof answer.access_token !== 'string') {
    const why = typeof answer.error === 'string' ? answer.error.slice(0, 100) : `HTTP ${response.status}`;
    throw new SignInError(`認証サーバーからトークンを受け取れませんでした（${why}）。もう一度シングルサインオンからやり直してください。`);
  }
  if (typeof answer.id_token === 'string' && nonceOf(answer.id_token) !== pending.nonce) {
    throw new SignInError('IDトークンが要求と一致しません（nonce）。もう一度シングルサインオンからやり直してください。');
  }
  return { token: answer.access_token, next: pending.next };
}

/** The nonce claim of a JWT's payload, undefined when it has none or is not a JWT. */
function nonceOf(jwt: string): unknown {
  try {
    const payload = jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
    return (JSON.parse(new TextDecoder().decode(bytes)) as { nonce?: unknown }).nonce;
  } catch {
    return undefined;
  }
}
