import type { ApiKeyResponse } from '../../access/api-keys/dto/api-key.response';
import { BUNDLES } from '../../access/scopes';
import { escapeHtml } from '../html';

export interface KeysView {
  csrf: string;
  /** Each workspace's page of keys, newest first: its first, or (`older`) the one after a cursor. */
  workspaces: { id: string; name: string; keys: ApiKeyResponse[]; older?: boolean; nextCursor?: string | null }[];
  created?: { secret: string; name: string };
  error?: string;
}

/** API keys of the workspaces where the signed-in person is an admin or owner. */
export function keysPage(v: KeysView): string {
  const bundles = Object.entries(BUNDLES)
    .map(([name, b]) => `<option value="${name}">${escapeHtml(b.title)} — ${escapeHtml(b.description)}</option>`)
    .join('');
  const sections = v.workspaces
    .map((w) => {
      const rows = w.keys
        .map(
          (k) => `<tr><td>${escapeHtml(k.name)}<br><code>${escapeHtml(k.prefix)}</code></td><td>${k.status}</td>
<td>${k.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(' ')}${k.tools ? `<br>tools: ${k.tools.map(escapeHtml).join(', ')}` : ''}${k.audit_access ? '<br>reads the audit trail (<code>audit_access</code>)' : ''}</td>
<td>${escapeHtml(k.expires_at ?? 'never')}</td><td>${escapeHtml(k.last_used_at ?? 'never')}</td>
<td>${k.status === 'active' ? `<form method="post" action="/console/keys/${k.id}/revoke"><input type="hidden" name="csrf" value="${escapeHtml(v.csrf)}"><input type="hidden" name="workspace" value="${w.id}"><button type="submit">Revoke</button></form>` : ''}</td></tr>`,
        )
        .join('');
      const links = [
        w.older ? `<a href="/console/keys#ws-${w.id}">Newest keys</a>` : '',
        w.nextCursor
          ? `<a href="/console/keys?workspace=${w.id}&amp;cursor=${encodeURIComponent(w.nextCursor)}#ws-${w.id}">Older keys</a>`
          : '',
      ].filter(Boolean);
      return `<h2 id="ws-${w.id}">${escapeHtml(w.name)}</h2>${rows ? `<table><thead><tr><th>Key</th><th>Status</th><th>Scopes</th><th>Expires</th><th>Last used</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : `<p>${w.older ? 'No older keys.' : 'No keys.'}</p>`}${links.length ? `<p class="muted">${links.join(' · ')}</p>` : ''}`;
    })
    .join('');
  const options = v.workspaces.map((w) => `<option value="${w.id}">${escapeHtml(w.name)}</option>`).join('');
  return `<h1>API keys</h1><p class="muted"><a href="/console/connections">Connected AI clients</a> · <a href="/console/password">Change password</a></p>
${v.error ? `<p class="error" role="alert">${escapeHtml(v.error)}</p>` : ''}
${v.created ? `<p role="status">Key <strong>${escapeHtml(v.created.name)}</strong> created. Copy it now: it is shown only once.</p><pre id="api-key">${escapeHtml(v.created.secret)}</pre>` : ''}
${sections || '<p>You are not an admin of any workspace.</p>'}
${
  v.workspaces.length
    ? `<h2>New key</h2><form method="post" action="/console/keys"><input type="hidden" name="csrf" value="${escapeHtml(v.csrf)}">
<label for="workspace">Workspace</label><select id="workspace" name="workspace">${options}</select>
<label for="name">Name</label><input id="name" name="name" required maxlength="100">
<label for="bundle">Permissions (bundle)</label><select id="bundle" name="bundle">${bundles}</select>
<label for="tools">Limit to tools (optional, comma-separated)</label><input id="tools" name="tools" maxlength="2000" placeholder="list_workspaces, get_workspace">
<label class="scope"><input type="checkbox" name="audit_access" value="true"> May read the audit trail (<code>audit_access</code>): who did what in the workspace. Leave it off for assistants; it cannot be added later.</label>
<label for="expires">Expires (optional)</label><input id="expires" name="expires" type="date">
<button type="submit">Create key</button></form>`
    : ''
}`;
}
