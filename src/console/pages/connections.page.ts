import type { ConnectionView } from '../../oauth/oauth-connections.service';
import { escapeHtml } from '../html';

export function connectionsPage(o: {
  email: string;
  csrf: string;
  connections: ConnectionView[];
  notice?: string;
}): string {
  const rows = o.connections
    .map(
      (
        c,
      ) => `<tr><td>${escapeHtml(c.client_name ?? c.client_id)}<br><span class="muted">${escapeHtml(c.redirect_host ?? '')}</span></td>
<td>${escapeHtml(c.workspace_name)}</td><td>${c.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(' ')}</td>
<td>${c.last_used_at ? escapeHtml(new Date(c.last_used_at).toISOString()) : 'never'}</td>
<td>${endsText(c)}</td>
<td><form method="post" action="/console/connections/${encodeURIComponent(c.grant_id)}/revoke"><input type="hidden" name="csrf" value="${escapeHtml(o.csrf)}"><button type="submit">Revoke</button></form></td></tr>`,
    )
    .join('');
  return `<h1>Connected AI clients</h1><p class="muted">Signed in as ${escapeHtml(o.email)} · <a href="/console/keys">API keys</a> · <a href="/console/password">Change password</a></p>
${o.notice ? `<p role="status">${escapeHtml(o.notice)}</p>` : ''}
${o.connections.length ? `<table><thead><tr><th>Client</th><th>Workspace</th><th>Scopes</th><th>Last used</th><th>Ends</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : '<p>No AI client is connected.</p>'}
<form method="post" action="/console/logout"><input type="hidden" name="csrf" value="${escapeHtml(o.csrf)}"><button type="submit" class="secondary">Sign out</button></form>`;
}

/** When a connection ends, and what would change it. */
function endsText(c: ConnectionView): string {
  const day = (d: Date) => new Date(d).toISOString().slice(0, 10);
  if (c.ends_by === 'grant') return `by ${day(c.ends_at)}`;
  if (c.ends_by === 'refresh')
    return `by ${day(c.ends_at)} if unused until then${c.grant_ends_at ? `; at the latest ${day(c.grant_ends_at)}` : ''}`;
  const minute = `at ${new Date(c.ends_at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return c.renews
    ? `${minute}, later once the client has collected its tokens`
    : `${minute} (this client cannot renew its access)`;
}
