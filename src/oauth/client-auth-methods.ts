/**
 * How clients authenticate at the token and revocation endpoints: public clients (`none`, with
 * PKCE) and shared secrets, as MCP clients register. Not `private_key_jwt`: oidc-provider fetches a
 * client's `jwks_uri` while it answers, at whatever pace the client's owner sets, and anyone may
 * register a client. Not `client_secret_jwt` either: no MCP client uses it.
 */
export const CLIENT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const;
