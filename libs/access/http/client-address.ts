import { BlockList, isIP, isIPv6 } from 'node:net';

/** The proxies whose X-Forwarded-For is believed: addresses or CIDR ranges, such as 10.0.0.0/8. */
export function proxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

/** An address or CIDR range, as TRUSTED_PROXIES takes them. */
export function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
}

/**
 * Who sent the request: the peer's address, or, when the peer is a trusted proxy, the nearest
 * address in X-Forwarded-For that is not one (walking from the right: a client can write anything
 * to the left of what our proxies append, nothing to the right). Without trusted proxies the header
 * is ignored, so a client cannot dodge a limit by making addresses up.
 */
export function senderOf(peer: string, forwardedFor: string | string[] | undefined, trusted: BlockList | undefined): string {
  if (!trusted) return peer;
  const hops = [forwardedFor ?? []]
    .flat()
    .join(',')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  let sender = peer;
  while (hops.length > 0 && isIP(sender) !== 0 && trusted.check(sender, isIP(sender) === 6 ? 'ipv6' : 'ipv4')) sender = hops.pop()!;
  return sender;
}

/**
 * The client an address stands for, when counting: an IPv4 address as it is, an IPv6 address by
 * its /64 — the network one subscriber gets, whose addresses they may use at will.
 */
export function clientOf(address: string): string {
  const plain = address.replace(/%.*$/, '');
  if (!isIPv6(plain)) return plain;
  // The URL parser writes IPv6 canonically, an embedded IPv4 tail as two hex groups.
  const canonical = new URL(`http://[${plain}]`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped) {
    const value = (parseInt(mapped[1]!, 16) << 16) | parseInt(mapped[2]!, 16);
    return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
  }
  const [head = '', tail] = canonical.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).join(':')}::/64`;
}
