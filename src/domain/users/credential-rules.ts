/**
 * No spaces, and nothing of Unicode's "other" category: control, format (invisible, direction),
 * half, private-use or unassigned characters, with which `owner\u200b@…` shows as `owner@…`. At most
 * 254 characters in all (the column's check).
 */
const EMAIL = /^(?=.{3,254}$)[^\s@\p{C}]{1,64}@[^\s@\p{C}]{1,189}\.[^\s@\p{C}]{1,60}$/u;

/** Counted in characters as a person types them (code points), not UTF-16 units: an emoji is one. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;
/** Nothing a person can see: spaces, line breaks, invisible or control characters. */
const BLANK = /^[\s\p{C}]*$/u;

/** An email as accounts store and look it up: trimmed, lower case. */
export function normalisedEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * What an address looked up may hold: only what PostgreSQL and the column accept (no control or
 * half characters). Laxer than a new account's rule, so an account made before that rule was
 * tightened still signs in and is still found.
 */
const STORED_EMAIL = /^(?=.{3,254}$)[^\s@\p{Cc}\p{Cs}]{1,64}@[^\s@\p{Cc}\p{Cs}]{1,189}\.[^\s@\p{Cc}\p{Cs}]{1,60}$/u;

/** Whether a normalised email can be a new account's address. */
export function isAccountEmail(normalised: string): boolean {
  return EMAIL.test(normalised);
}

/** Whether a normalised email can name an existing account (see STORED_EMAIL). */
export function canNameAccount(normalised: string): boolean {
  return STORED_EMAIL.test(normalised);
}

/**
 * What is wrong with a new password, or undefined. One rule for every way an account is made
 * (CLI, setup, POSTERN_ADMIN_PASSWORD), so none accepts what another refuses.
 */
export function passwordProblem(password: string): { issue: 'length' | 'blank'; message: string } | undefined {
  const characters = [...password].length;
  if (characters < PASSWORD_MIN || characters > PASSWORD_MAX)
    return { issue: 'length', message: `password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters` };
  if (BLANK.test(password))
    return { issue: 'blank', message: 'password must not be only spaces or invisible characters' };
  return undefined;
}
