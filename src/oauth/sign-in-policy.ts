import type { interactionPolicy as InteractionPolicy, KoaContextWithOIDC } from 'oidc-provider';

/**
 * oidc-provider's prompts, with one more reason to ask for a sign-in: this browser's
 * authorization-server sign-in names an account that is disabled or gone (findAccount finds none).
 * Left to the defaults, such a sign-in skipped the login prompt, and the consent check after it
 * failed with a server error for as long as the sign-in lasted, a day. Asked to sign in instead, the
 * interaction pages end it once someone else signs in (InteractionController.restart).
 */
export function signInPolicy(policies: typeof InteractionPolicy): InteractionPolicy.DefaultPolicy {
  const policy = policies.base();
  const { Check } = policies;
  policy.get('login')?.checks.add(
    // The error a prompt=none request gets, as for no sign-in at all (a check added to a built
    // prompt is not given its prompt's error).
    new Check(
      'account_unavailable',
      'the account signed in here is disabled or no longer exists',
      'login_required',
      (ctx) => (accountUnavailable(ctx) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT),
    ),
  );
  return policy;
}

function accountUnavailable(ctx: KoaContextWithOIDC): boolean {
  return Boolean(ctx.oidc.session?.accountId) && !ctx.oidc.account;
}
