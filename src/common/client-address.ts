import type { Request } from 'express';
import ipaddr from 'ipaddr.js';

/** The client's address, as TRUST_PROXY lets Express read it from X-Forwarded-For. */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/**
 * What one client holds: an IPv4 address, or an IPv6 /64, which one machine can fill with addresses
 * of its own (an IPv4 address mapped into IPv6 counts as itself).
 */
export function addressGroup(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  return `${(parsed as ipaddr.IPv6).parts
    .slice(0, 4)
    .map((part) => part.toString(16))
    .join(':')}::/64`;
}
