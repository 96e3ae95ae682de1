import { redactSecrets } from '../common/secret-shapes';

/** A request URL as it may be logged: every credential in it replaced, however often it appears. */
export function redactUrl(url: string): string {
  return redactSecrets(url);
}
