import type { AppConfig } from '../config/config.types';

/** The URLs clients discover; the issuer is exactly PUBLIC_URL, the endpoints live under /oauth. */
export function oauthUrls(config: Pick<AppConfig, 'publicUrl'>) {
  const base = config.publicUrl;
  return {
    issuer: base,
    mcpResource: `${base}/mcp`,
    resourceMetadata: `${base}/.well-known/oauth-protected-resource/mcp`,
    mountPath: '/oauth',
    interaction: (uid: string) => `/console/interaction/${uid}`,
  };
}
