import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may point. Shinchoku posts from inside the city's network, so a URL naming a
 * private, loopback or metadata address would let whoever manages contacts reach machines that
 * the internet cannot (SSRF). Only public addresses are allowed, unless the operator names a host.
 */
export interface WebhookRules {
  /** http: besides https: (WEBHOOK_ALLOW_HTTP). */
  allowHttp: boolean;
  /** Hosts allowed whatever their address (WEBHOOK_ALLOWED_HOSTS); without a port, any port. */
  allowedHosts: readonly AllowedHost[];
}

export interface AllowedHost {
  /** As the URL parser writes it: lower case, IPv4 in dotted decimal, IPv6 in brackets. */
  host: string;
  port?: number;
}

const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local host
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local: cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified, loopback and the old IPv4-compatible form
  ['::ffff:0:0', 96], // IPv4-mapped: a webhook never needs one, whatever the IPv4 address
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** Why this IP address may not receive webhooks; undefined when it is public. */
export function addressRefusal(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  return NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6') ? `${address} is not a public address` : undefined;
}

/** Names that never mean a public host: the machine itself, and names local networks give themselves. */
const LOCAL_SUFFIXES = ['localhost', 'local', 'internal', 'intranet', 'lan', 'home.arpa'];

/**
 * Why a webhook URL is refused, judged on the URL alone; undefined when it may be saved. Host names
 * are checked again on their addresses at each delivery (see webhook-request.ts). Not resolving
 * them here keeps saving fast and gives no answer about which internal names exist.
 */
export function webhookUrlRefusal(text: string, rules: WebhookRules): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && rules.allowHttp)) {
    return rules.allowHttp
      ? 'must be an http:// or https:// URL'
      : 'must be an https:// URL (http:// is allowed only with WEBHOOK_ALLOW_HTTP=true)';
  }
  if (url.username || url.password) return 'must not carry a user name or password';
  if (isAllowedHost(url, rules)) return undefined;
  const host = bare(url.hostname);
  if (isIP(host)) {
    const refusal = addressRefusal(host);
    return refusal && `${refusal}; only public addresses or hosts in WEBHOOK_ALLOWED_HOSTS may receive webhooks`;
  }
  const labels = host.split('.');
  if (labels.length < 2 || LOCAL_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`))) {
    return `${host} is a local host name; only public hosts or hosts in WEBHOOK_ALLOWED_HOSTS may receive webhooks`;
  }
  return undefined;
}

/** An operator's allowed host: the name as written in the URL (not its address), and the port if the entry names one. */
export function isAllowedHost(url: URL, rules: WebhookRules): boolean {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/\.$/, '');
  return rules.allowedHosts.some((allowed) => allowed.host === host && (allowed.port === undefined || allowed.port === port));
}

/** The host without IPv6 brackets or the trailing dot of a fully qualified name. */
export const bare = (hostname: string): string => hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');

/** An entry of WEBHOOK_ALLOWED_HOSTS (`host`, `host:port`, `[v6]:port`), or why it is not one. */
export function parseAllowedHost(entry: string): AllowedHost | string {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]/?#@\s]+)(?::(\d{1,5}))?$/.exec(entry);
  if (!match) return `${entry}: must be a host name or address, optionally with :port`;
  let host: string;
  try {
    host = new URL(`http://${match[1]}/`).hostname.replace(/\.$/, '');
  } catch {
    return `${entry}: is not a host name or address`;
  }
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return `${entry}: the port must be 1 to 65535`;
  return port === undefined ? { host } : { host, port };
}
