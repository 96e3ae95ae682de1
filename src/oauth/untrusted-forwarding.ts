import type { Request } from 'express';

const FORWARDING = ['x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-for'];

/**
 * oidc-provider runs with Koa's `proxy` on, which believes X-Forwarded-Host, -Proto and -For from
 * anyone (its URLs, its idea of https, the client address). Only a peer TRUST_PROXY names (Express's
 * `trust proxy`) may set them; from any other peer they are dropped before the provider sees them.
 */
export function forgetUntrustedForwarding(req: Request): void {
  const trusted = req.app.get('trust proxy fn') as (address: string, hop: number) => boolean;
  if (trusted(req.socket.remoteAddress ?? '', 0)) return;
  for (const name of FORWARDING) delete req.headers[name];
}
