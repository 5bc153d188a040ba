// Which network addresses are "local": this machine, private networks, link-local (where cloud
// metadata services answer), carrier-grade NAT, multicast and reserved ranges. Outgoing webhooks
// are not sent there unless the operator allows it (STEWARD_WEBHOOK_LOCAL_NETWORK), so an admin's
// webhook URL cannot reach services that trust the machine's own network. Node's BlockList does
// the matching, IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) included.
import { BlockList, isIP } from 'node:net';

const LOCAL_V4: [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata: 169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
];
const LOCAL_V6: [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b:1::', 48], // local-use NAT64
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

const local = new BlockList();
for (const [net, prefix] of LOCAL_V4) local.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of LOCAL_V6) local.addSubnet(net, prefix, 'ipv6');

/** Whether `address` (an IPv4 or IPv6 address, brackets allowed) is local; false for anything else. */
export function isLocalAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const kind = isIP(bare);
  if (kind === 0) return false;
  return local.check(bare, kind === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Whether a URL's host names this machine or a local network without a lookup: a local IP
 * address, or `localhost` (and `*.localhost`, which resolve to it by definition, RFC 6761).
 */
export function isLocalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host === 'localhost' || host.endsWith('.localhost') || isLocalAddress(host);
}
