import { AppError } from '../common/app-error';

/**
 * A console form whose CSRF token does not match: opened before the last sign-in, or not made by
 * this site. Its own class so the console's refusal page can say so; the code stays `forbidden`,
 * so the JSON answer and the audit record are those of any other refusal.
 */
export class FormExpiredError extends AppError {
  constructor() {
    super('forbidden', 'the form expired or did not come from this site; reload the page and try again');
  }
}
