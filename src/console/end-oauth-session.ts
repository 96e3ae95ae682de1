import type { Request, Response } from 'express';
import type { Provider } from 'oidc-provider';
import { parseCookie } from './console-session.service';

const SESSION_COOKIES = ['_session', '_session.sig'];

/**
 * Signing out of the console ends the authorization server's session in this browser too. Left
 * alone it lived on for a day, and with it anyone at this browser could consent, as the person who
 * signed out, to a client of their own, with no password asked. Only a session of that person is
 * ended: the cookie names it, and a cookie naming someone else's is left alone.
 */
export async function endOAuthSession(
  provider: Provider,
  req: Request,
  res: Response,
  userId: string,
): Promise<boolean> {
  const id = parseCookie(req.headers.cookie, '_session');
  const session = id ? await provider.Session.find(id) : undefined;
  const ended = session?.accountId === userId;
  if (ended) await session.destroy();
  for (const name of SESSION_COOKIES) res.clearCookie(name, { path: '/', httpOnly: true, sameSite: 'lax' });
  return ended;
}
