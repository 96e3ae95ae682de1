import { SetMetadata } from '@nestjs/common';

export const CONSOLE_SESSION_KEY = 'postern:console-session';

/**
 * A console page for a signed-in person: the guard requires a console session cookie (and, on a
 * POST, the session's CSRF token) instead of a bearer credential.
 */
export const ConsoleSession = () => SetMetadata(CONSOLE_SESSION_KEY, true);
