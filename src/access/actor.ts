import type { Role } from './roles';
import type { Scope } from './scopes';

export type ActorKind = 'api_key' | 'user' | 'agent' | 'operator';
export type Surface = 'mcp' | 'rest' | 'console' | 'cli' | 'worker';

/**
 * Who is calling, built once per request and passed explicitly to every service method.
 * `scopes` are the effective scopes (granted ∩ role ceiling ∩ policy), not merely the granted ones.
 */
export interface Actor {
  kind: ActorKind;
  surface: Surface;
  userId?: string;
  clientId?: string;
  keyId?: string;
  /** The one workspace a key or token is bound to; undefined for an operator. */
  workspaceId?: string;
  role?: Role;
  scopes: ReadonlySet<Scope>;
  /** Tool names an API key is limited to; undefined means no limit beyond scopes. */
  toolAllowlist?: readonly string[];
}

/** The operator running the CLI on the host: trusted with everything, never bound to a workspace. */
export function operatorActor(): Actor {
  return { kind: 'operator', surface: 'cli', scopes: new Set() };
}
