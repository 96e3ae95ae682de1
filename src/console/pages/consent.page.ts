import { effectiveScopes } from '../../access/effective-scopes';
import { minimumRoleFor, ROLE_CEILINGS, type Role } from '../../access/roles';
import { BUNDLES, SCOPE_CATEGORIES, SCOPES, type Scope, type ScopeCategory } from '../../access/scopes';
import { escapeHtml } from '../html';

export interface ConsentView {
  uid: string;
  csrf: string;
  clientName: string;
  clientId: string;
  redirectHost: string;
  requested: Scope[];
  /** How long the connection can last, in words (connectionLifetime). */
  lifetime: string;
  workspaces: { id: string; name: string; role: Role; draftFirst: boolean }[];
  error?: string;
}

/** The consent page: who is asking, where it sends you back, and exactly what it may do where. */
export function consentPage(v: ConsentView): string {
  const requested = new Set(v.requested);
  const groups = (Object.keys(SCOPE_CATEGORIES) as ScopeCategory[])
    .map((category) => {
      const scopes = v.requested.filter((s) => SCOPES[s].category === category);
      if (!scopes.length) return '';
      const items = scopes
        .map(
          (s) =>
            `<li><label class="scope"><input type="checkbox" name="scope" value="${s}" checked> <code>${s}</code> — ${escapeHtml(SCOPES[s].description)}${roleNote(s)}</label></li>`,
        )
        .join('');
      return `<fieldset><legend>${escapeHtml(SCOPE_CATEGORIES[category])}</legend><ul>${items}</ul></fieldset>`;
    })
    .join('');
  const presets = Object.entries(BUNDLES)
    .map(([name, b]) => {
      const usable = b.scopes.filter((s) => requested.has(s)).length;
      return `<option value="${name}">${escapeHtml(b.title)} (${usable} of ${b.scopes.length} scopes requested)</option>`;
    })
    .join('');
  const workspaces = v.workspaces
    .map(
      (w) =>
        `<option value="${w.id}">${escapeHtml(w.name)} — you are ${w.role}${w.draftFirst ? ', drafts only for agents' : ''}</option>`,
    )
    .join('');
  return `<h1>Connect ${escapeHtml(v.clientName)}?</h1>
<p><strong>${escapeHtml(v.clientName)}</strong> <span class="muted">(the name it gives itself; client ${escapeHtml(v.clientId)})</span> wants to act for you in Postern.
After you decide you will be sent back to <strong>${escapeHtml(v.redirectHost)}</strong>.</p>
${v.error ? `<p class="error" role="alert">${escapeHtml(v.error)}</p>` : ''}
<form method="post" action="/console/interaction/${escapeHtml(v.uid)}/consent">
<input type="hidden" name="csrf" value="${escapeHtml(v.csrf)}">
<label for="workspace">Workspace it may work in</label><select id="workspace" name="workspace" required><option value="" selected disabled>Choose a workspace</option>${workspaces}</select>
${withheldNotes(v.requested, v.workspaces)}
<label for="preset">Permissions</label><select id="preset" name="preset"><option value="">Exactly the boxes ticked below</option>${presets}</select>
<p class="muted">A preset grants its scopes that were requested. Whatever you choose is also capped by your role in the workspace,
and draft-only workspaces never give agents publish or schedule.</p>
${groups}
<p id="lifetime">${escapeHtml(v.lifetime)}</p>
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>`;
}

/** Who may grant a scope, where a viewer may not: the ticked boxes are capped by the role. */
function roleNote(scope: Scope): string {
  const role = minimumRoleFor(scope);
  return role === 'viewer' ? '' : ` <span class="muted">(${role} or above)</span>`;
}

/**
 * What each workspace would not give, whatever is ticked, and why: its role ceiling, or its
 * draft-first policy. Said before the choice rather than discovered in the client afterwards.
 */
function withheldNotes(requested: Scope[], workspaces: ConsentView['workspaces']): string {
  const asked = [...new Set(requested)];
  const items = workspaces.flatMap((w) => {
    const given = effectiveScopes(asked, w.role, 'agent', { draftFirst: w.draftFirst });
    const beyondRole = asked.filter((s) => !given.has(s) && !ROLE_CEILINGS[w.role].has(s));
    const draftsOnly = asked.filter((s) => !given.has(s) && ROLE_CEILINGS[w.role].has(s));
    if (!beyondRole.length && !draftsOnly.length) return [];
    const list = (scopes: Scope[]) => scopes.map((s) => `<code>${s}</code>`).join(', ');
    const reasons = [
      beyondRole.length ? `${list(beyondRole)} (beyond your role, ${w.role})` : '',
      draftsOnly.length ? `${list(draftsOnly)} (drafts only for agents there)` : '',
    ].filter(Boolean);
    return [`<li>In <strong>${escapeHtml(w.name)}</strong>, not ${reasons.join('; nor ')}.</li>`];
  });
  return items.length ? `<ul class="muted" id="withheld">${items.join('')}</ul>` : '';
}
