/**
 * The console's sign-in form as a browser uses it without JavaScript: load the page (its CSRF
 * cookie and token), then post email and password. Answers are not followed (303 on success).
 */
export async function signInForm(
  baseUrl: string,
): Promise<(email: string, password: string, headers?: Record<string, string>) => Promise<Response>> {
  const form = await fetch(`${baseUrl}/console/login`);
  const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0];
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  return (email, password, headers = {}) =>
    fetch(`${baseUrl}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ csrf, email, password }),
    });
}
