import { PASSWORD_MIN } from '../../domain/users/credential-rules';
import { escapeHtml } from '../html';

/**
 * Changing one's own password: the current one first, so a session left open is not enough. No
 * maxlength: a browser counts UTF-16 units, the account rules count characters (an emoji is one).
 */
export function passwordPage(o: { email: string; csrf: string; error?: string; notice?: string }): string {
  return `<h1>Change your password</h1>
<p class="muted">Signed in as ${escapeHtml(o.email)} · <a href="/console/connections">Connected AI clients</a> · <a href="/console/keys">API keys</a></p>
${o.notice ? `<p role="status">${escapeHtml(o.notice)}</p>` : ''}
${o.error ? `<p class="error" role="alert">${escapeHtml(o.error)}</p>` : ''}
<form method="post" action="/console/password">
<input type="hidden" name="csrf" value="${escapeHtml(o.csrf)}">
<input type="hidden" name="email" value="${escapeHtml(o.email)}" autocomplete="username">
<label for="current_password">Current password</label><input id="current_password" name="current_password" type="password" required autocomplete="current-password">
<label for="new_password">New password</label><input id="new_password" name="new_password" type="password" required minlength="${PASSWORD_MIN}" autocomplete="new-password">
<label for="confirm_password">New password again</label><input id="confirm_password" name="confirm_password" type="password" required minlength="${PASSWORD_MIN}" autocomplete="new-password">
<p class="muted">At least ${PASSWORD_MIN} characters. Changing it signs you out of every other browser; connected AI clients and API keys keep working.</p>
<button type="submit">Change password</button>
</form>`;
}
