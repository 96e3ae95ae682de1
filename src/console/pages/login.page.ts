import { escapeHtml } from '../html';

export function loginPage(o: {
  action: string;
  csrf: string;
  email?: string;
  error?: string;
  heading: string;
  note?: string;
}): string {
  return `<h1>${escapeHtml(o.heading)}</h1>${o.note ? `<p class="muted">${escapeHtml(o.note)}</p>` : ''}
${o.error ? `<p class="error" role="alert">${escapeHtml(o.error)}</p>` : ''}
<form method="post" action="${escapeHtml(o.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(o.csrf)}">
<label for="email">Email</label><input id="email" name="email" type="email" required maxlength="254" autocomplete="username" value="${escapeHtml(o.email ?? '')}">
<label for="password">Password</label><input id="password" name="password" type="password" required autocomplete="current-password">
<button type="submit">Sign in</button></form>`;
}
