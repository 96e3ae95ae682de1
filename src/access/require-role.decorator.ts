import { SetMetadata } from '@nestjs/common';
import type { Role } from './roles';

export const REQUIRED_ROLE_KEY = 'postern:required-role';

/**
 * A minimum workspace role beyond what the scopes imply: for actions no scope names, such as
 * managing keys and members (admin) or workspace ownership (owner).
 */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE_KEY, role);
