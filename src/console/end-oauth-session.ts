import type { Request, Response } from 'express';
import type { Provider } from 'oidc-provider';
import type { EntityManager } from 'typeorm';
import { OAuthUnit } from '../oauth/oauth-unit-of-work';
import { parseCookie } from './console-session.service';

const SESSION_COOKIES = ['_session', '_session.sig'];

type ServerSignIn = InstanceType<Provider['Session']>;

/**
 * The authorization server's sign-in this browser holds, if it is `userId`'s: the cookie names it,
 * and one naming someone else's is left alone. Signing out of the console ends it too: left alone
 * it lived on for a day, and with it anyone at this browser could consent, as the person who signed
 * out, to a client of their own, with no password asked.
 */
export async function heldOAuthSession(
  provider: Provider,
  req: Request,
  userId: string,
): Promise<ServerSignIn | undefined> {
  const id = parseCookie(req.headers.cookie, '_session');
  const session = id ? await provider.Session.find(id) : undefined;
  return session?.accountId === userId ? session : undefined;
}

/**
 * Ends that sign-in in the caller's transaction, so it is gone only if the call's audit record is
 * written with it (and, in the embedded database, the statement does not wait on that transaction).
 * The server gives a sign-in a new id each time a request resumes it: one resumed in another tab
 * since it was found is stored under a new id, with the same uid, and is ended too.
 */
export function endOAuthSessionIn(provider: Provider, m: EntityManager, session: ServerSignIn): Promise<void> {
  return OAuthUnit.within(m, async () => {
    await session.destroy();
    const renamed = await provider.Session.findByUid(session.uid);
    if (renamed && renamed.accountId === session.accountId) await renamed.destroy();
  });
}

/** The browser forgets the server's sign-in: sent once the change it follows has committed. */
export function clearOAuthSessionCookies(res: Response): void {
  for (const name of SESSION_COOKIES) res.clearCookie(name, { path: '/', httpOnly: true, sameSite: 'lax' });
}
