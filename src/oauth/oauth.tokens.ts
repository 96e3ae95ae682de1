/** DI token for the oidc-provider instance. */
export const OIDC_PROVIDER = Symbol('OIDC_PROVIDER');
