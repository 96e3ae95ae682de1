import { Logger } from '@nestjs/common';
import type { Provider } from 'oidc-provider';
import { RepeatedErrorLog } from '../common/repeated-error-log';
import { oauthRouteOf } from './oauth-routes';

const HINT =
  'a proxy that terminates TLS must send X-Forwarded-Proto: https, and its address must be in TRUST_PROXY ' +
  '(unset, only loopback is trusted)';

/**
 * With an https PUBLIC_URL the authorization server's cookies are Secure, and it refuses to set
 * them on a request it believes came over plain http: every authorization then failed with a bare
 * 500. That happens when a TLS proxy's X-Forwarded-Proto is not believed (TRUST_PROXY does not name
 * it), so the requests that set cookies (an authorization and its resumption) are refused here with
 * a message saying so, and the operator gets one log line a minute naming the fix.
 */
export function refuseCookiesOverPlainHttp(publicUrl: string): Parameters<Provider['use']>[0] {
  const log = new RepeatedErrorLog(new Logger('OAuth'), 'sign-in refused');
  return async (ctx, next) => {
    const setsCookies = oauthRouteOf(ctx.path)?.route === 'authorization';
    if (ctx.secure || !setsCookies) {
      await next();
      return;
    }
    log.error(`an authorization request came over plain http while PUBLIC_URL is ${publicUrl}; ${HINT}`);
    ctx.status = 400;
    ctx.type = 'json';
    ctx.body = {
      error: 'invalid_request',
      error_description: `this server is set up for https (${publicUrl}) but received the request over plain http, so it cannot sign anyone in; ${HINT}`,
    };
  };
}
