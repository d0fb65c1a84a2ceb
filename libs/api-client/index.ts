import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema';

export type { components, paths } from './schema';

/** An RFC 9457 problem as every error answers; branch on `code`. */
export type Problem = components['schemas']['Problem'];

export interface ApiClientOptions {
  baseUrl: string;
  /** A bearer token; a function is asked before each request (the token may change, e.g. after sign-in). */
  token?: string | (() => string | undefined);
  fetch?: typeof globalThis.fetch;
}

export type ApiClient = Client<paths>;

/**
 * A typed client for shinchoku, generated from its OpenAPI document (`npm run client`): every
 * path, parameter, header, body and problem as the document states them. Works in Node and in
 * the browser (it is `fetch` underneath).
 */
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
