import { promises as dns, type LookupAddress } from 'node:dns';
import { request as httpRequest, STATUS_CODES, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressRefusal, isAllowedHost, webhookUrlRefusal, type WebhookRules } from '../domain/webhook-address';

/** A send that no retry can help: the reminder fails at once, with this message as its reason. */
export class Undeliverable extends Error {}

/** Every address a host name has now (DNS); a test may stand in for DNS changing under us. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

const TIMEOUT_MS = 30_000;

/**
 * POSTs a webhook body under the webhook rules, judged again at the moment of sending: the URL as
 * when it was saved (the rules may have changed since), then every address its host resolves to.
 * The socket connects to exactly the addresses that were checked (the check is the connection's
 * own DNS lookup), so a name cannot answer one address to the check and another to the connect.
 * Redirects are not followed, and what the receiver answers is reduced to its status code: the
 * reason shown in GET /reminders never carries text chosen by the remote side.
 */
export async function postWebhook(
  target: string,
  headers: Record<string, string>,
  body: string,
  rules: WebhookRules,
  resolve: Resolver = systemResolver,
): Promise<void> {
  const refusal = webhookUrlRefusal(target, rules);
  if (refusal) throw new Undeliverable(`webhook URL refused: ${refusal}`);
  const url = new URL(target);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const status = await new Promise<number>((done, fail) => {
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        // A pooled socket could have been opened by a lookup other than ours.
        agent: false,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        lookup: checkedLookup(resolve, !isAllowedHost(url, rules)),
      },
      (response: IncomingMessage) => {
        // Only the status counts; the body is never read, let alone shown.
        response.destroy();
        done(response.statusCode ?? 0);
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => fail(error instanceof Undeliverable ? error : unreachable(error)));
    request.end(body);
  });
  if (status >= 200 && status < 300) return;
  const answer = `webhook answered ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd();
  throw new Error(status >= 300 && status < 400 ? `${answer}; redirects are not followed` : answer);
}

/** The socket's DNS lookup: it hands over only addresses that passed the check, and all of them must (unless the host is allowed by name). */
function checkedLookup(resolve: Resolver, check: boolean): LookupFunction {
  return (hostname, options, callback) => {
    addressesOf(resolve, hostname, options.family, check).then(
      (addresses) => (options.all ? callback(null, addresses) : callback(null, addresses[0]!.address, addresses[0]!.family)),
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

async function addressesOf(
  resolve: Resolver,
  hostname: string,
  family: number | string | undefined,
  check: boolean,
): Promise<LookupAddress[]> {
  const found = await resolve(hostname);
  // The address itself stays out of the reason: it would tell the contact's author how internal names resolve.
  if (check && found.some((a) => addressRefusal(a.address)))
    throw new Undeliverable(`webhook URL refused: ${hostname} resolves to an address that is not public`);
  const wanted = family === 4 || family === 'IPv4' ? 4 : family === 6 || family === 'IPv6' ? 6 : 0;
  const addresses = found.filter((a) => !wanted || a.family === wanted);
  if (addresses.length === 0) throw Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' });
  return addresses;
}

function unreachable(error: NodeJS.ErrnoException): Error {
  if (error.name === 'AbortError' || error.name === 'TimeoutError')
    return new Error(`webhook did not answer within ${TIMEOUT_MS / 1000} s`);
  return new Error(`webhook could not be reached (${error.code ?? 'connection failed'})`);
}
