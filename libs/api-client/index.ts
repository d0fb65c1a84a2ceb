// Provisional until the contract's generated client lands: same name and options, same generated `paths`.
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema';

export type { components, paths } from './schema';

export interface ApiClientOptions {
  baseUrl: string;
  /** A bearer token; a function is asked before each request (the token may change, e.g. after sign-in). */
  token?: string | (() => string | undefined);
  fetch?: typeof globalThis.fetch;
}

export type ApiClient = Client<paths>;

/** A typed client for /api/v1: every path, parameter and body as the OpenAPI document states them. */
export function createApiClient({ baseUrl, token, fetch }: ApiClientOptions): ApiClient {
  const client = createClient<paths>({ baseUrl, ...(fetch && { fetch }) });
  client.use({
    onRequest({ request }) {
      const bearer = typeof token === 'function' ? token() : token;
      if (bearer) request.headers.set('authorization', `Bearer ${bearer}`);
      return request;
    },
  });
  return client;
}
