/** How long an agent connection made by consent can last, and the words the consent page uses for it. */

/** The grant: no connection outlives it, however often its tokens are refreshed. */
export const GRANT_TTL_SECONDS = 90 * 24 * 3600;
/** Each refresh token; a refresh rotates it, so a connection used within this time stays alive. */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
/** A sign-in and consent in the browser, from the client's request to the code it gets back. */
export const INTERACTION_TTL_SECONDS = 15 * 60;
/** An authorization code: the client redeems it at once, for its first tokens. */
export const AUTHORIZATION_CODE_TTL_SECONDS = 60;
/** The authorization server's sign-in session in a browser: it asks for no password again within it. */
export const AUTHORIZATION_SESSION_TTL_SECONDS = 24 * 3600;

/**
 * Whether the server gives this client refresh tokens, so its connection outlives its first access
 * token: the provider's issueRefreshToken, and what consent records and says, all ask this.
 */
export function issuesRefreshTokens(client: { grantTypeAllowed(type: string): boolean } | undefined): boolean {
  return client?.grantTypeAllowed('refresh_token') ?? false;
}

const days = (seconds: number) => `${Math.round(seconds / 86400)} days`;
const minutes = (seconds: number) => {
  const n = Math.ceil(seconds / 60);
  return `${n} minute${n === 1 ? '' : 's'}`;
};

/**
 * What the person consenting agrees to, in time. Tokens are not bound to the browser's sign-in
 * (expiresWithSession is off), so signing out of the console leaves the connection alone. A client
 * registered without the refresh_token grant gets no refresh token: its one access token is all.
 */
export function connectionLifetime(canRefresh: boolean, accessTokenTtlSeconds: number): string {
  return canRefresh
    ? `This connection lasts at most ${days(GRANT_TTL_SECONDS)}. It ends sooner if the client does not use it for ${days(REFRESH_TOKEN_TTL_SECONDS)}, or when you disconnect it under Connected AI clients; signing out of the console does not end it.`
    : `This client cannot renew its access: the connection ends when the access it gets now ends, ${minutes(accessTokenTtlSeconds)} later (sooner if you disconnect it under Connected AI clients), and the client must then ask again.`;
}
