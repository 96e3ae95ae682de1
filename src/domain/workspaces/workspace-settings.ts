import { AppError } from '../../common/app-error';

/**
 * The actions an agent or API key may only *request* when the workspace says so: a human admin then
 * approves them and Postern executes the bound action once (DESIGN §3). Stored here; the approvals
 * module enforces it.
 */
export const APPROVAL_ACTIONS = ['publish', 'schedule', 'delete'] as const;
export type ApprovalAction = (typeof APPROVAL_ACTIONS)[number];

export interface ApprovalPolicy {
  /** Actions an agent or key cannot execute directly; each becomes an approval request. */
  requireApprovalFor: ApprovalAction[];
  /** Whether the user an agent acted for may approve its request (then with their password again). */
  allowSelfApproval: boolean;
}

/** As stored in `workspaces.settings` (jsonb); every field optional, so old rows read as the defaults. */
export interface WorkspaceSettings {
  timeZone?: string;
  draftFirst?: boolean;
  approval?: Partial<ApprovalPolicy>;
}

/** The safe end of every choice: agents draft only, and every risky action waits for someone else. */
export const DEFAULT_APPROVAL_POLICY: Readonly<ApprovalPolicy> = Object.freeze({
  requireApprovalFor: [...APPROVAL_ACTIONS],
  allowSelfApproval: false,
});

export interface ResolvedSettings {
  /** IANA name; null means UTC. */
  timeZone: string | null;
  draftFirst: boolean;
  approval: ApprovalPolicy;
}

export function resolveSettings(settings: WorkspaceSettings): ResolvedSettings {
  return {
    timeZone: settings.timeZone ?? null,
    draftFirst: settings.draftFirst ?? true,
    approval: {
      requireApprovalFor: [...(settings.approval?.requireApprovalFor ?? DEFAULT_APPROVAL_POLICY.requireApprovalFor)],
      allowSelfApproval: settings.approval?.allowSelfApproval ?? DEFAULT_APPROVAL_POLICY.allowSelfApproval,
    },
  };
}

/** IANA-style names only: `Europe/Berlin`, `UTC`, `Etc/GMT+1` — not offsets such as `+01:00`. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;

/**
 * An IANA time zone the runtime knows, or a validation error naming the field. The name is kept as
 * given (`Europe/Kyiv` stays, though ICU calls it `Europe/Kiev`); only its case is corrected
 * (`europe/berlin` → `Europe/Berlin`) when that yields the runtime's name.
 */
export function canonicalTimeZone(name: string, field = 'time_zone'): string {
  const refuse = () =>
    new AppError('validation_failed', `${field} must be an IANA time zone such as Europe/Berlin or UTC`, [
      { field, issue: `unknown time zone ${JSON.stringify(name.slice(0, 64))}` },
    ]);
  if (name.length > 64 || !ZONE_NAME.test(name)) throw refuse();
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    throw refuse();
  }
  return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
}
