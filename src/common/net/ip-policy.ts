import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Decides whether the fetcher may connect to an address. Receives a literal IP, never a name. */
export type AddressPolicy = (address: string) => boolean;

/** Global unicast, RFC 4291: the only IPv6 block that holds public hosts. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
/** The well-known NAT64 prefix, RFC 6052: the last 32 bits are the IPv4 address it reaches. */
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
/** 6to4, RFC 3056: bits 16–47 are the IPv4 address of the relay it reaches. */
const SIX_TO_FOUR = ipaddr.IPv6.parseCIDR('2002::/16');

/**
 * True only for an address on the public internet. Everything else — loopback, unspecified,
 * RFC 1918, link-local, CGNAT, multicast, broadcast, 240/4, benchmarking, documentation, ULA,
 * site-local, IPv4-mapped/-compatible/-translated IPv6, Teredo, local-use NAT64 — is refused, and so
 * is anything that is not a plain, canonical IP literal (odd IPv4 forms such as `127.1`, `0177.0.0.1`
 * or `2130706433`, zone ids, names): the policy fails closed.
 *
 * The ranges come from ipaddr.js's registry of special-purpose blocks; only its `unicast` catch-all
 * counts as public. IPv6 must also lie in 2000::/3, which rules out the IPv4-compatible form
 * (`::7f00:1`) that ipaddr.js files under `unicast`. NAT64 and 6to4 addresses are judged by the IPv4
 * address they embed.
 */
export const isPublicAddress: AddressPolicy = (address) => {
  // node:net accepts only dotted-quad IPv4 and standard IPv6 text; odd notations give 0.
  const family = isIP(address);
  if (family === 0 || address.includes('%')) return false;
  if (family === 4) return isPublicV4(ipaddr.IPv4.parse(address));
  const v6 = ipaddr.IPv6.parse(address);
  if (v6.match(NAT64_WELL_KNOWN)) return isPublicV4(embeddedV4(v6, 12));
  if (v6.match(SIX_TO_FOUR)) return isPublicV4(embeddedV4(v6, 2));
  return v6.match(GLOBAL_UNICAST_V6) && v6.range() === 'unicast';
};

function isPublicV4(address: ipaddr.IPv4): boolean {
  return address.range() === 'unicast';
}

function embeddedV4(address: ipaddr.IPv6, byteOffset: number): ipaddr.IPv4 {
  const bytes = address.toByteArray().slice(byteOffset, byteOffset + 4);
  return new ipaddr.IPv4(bytes);
}
