import { redactSecrets as redactUrl } from './secret-shapes';

describe('redactUrl', () => {
  it('redacts every credential parameter, each time it appears', () => {
    expect(redactUrl('/mcp?token=a&x=1&token=b')).toBe('/mcp?token=[redacted]&x=1&token=[redacted]');
    expect(redactUrl('/oauth/session/end?id_token_hint=eyJ.x.y&post_logout_redirect_uri=https://c')).toBe(
      '/oauth/session/end?id_token_hint=[redacted]&post_logout_redirect_uri=https://c',
    );
    expect(redactUrl('/cb?CODE=abc&state=s&Access_Token=t')).toBe(
      '/cb?CODE=[redacted]&state=s&Access_Token=[redacted]',
    );
    expect(redactUrl('/x?client_secret=s&password=p&key=k#frag')).toBe(
      '/x?client_secret=[redacted]&password=[redacted]&key=[redacted]#frag',
    );
  });

  it('keeps public parameters and paths as they are', () => {
    const url = '/oauth/auth?response_type=code&code_challenge=abc&code_challenge_method=S256&client_id=c&state=s';
    expect(redactUrl(url)).toBe(url);
    expect(redactUrl('/api/v1/tokens/token=literal-in-path')).toBe('/api/v1/tokens/token=literal-in-path');
  });

  it('redacts a key secret or a JWT in the path, keeping the key prefix that names it', () => {
    const secret = 'AbC_-123'.repeat(5) + 'xyz';
    expect(redactUrl(`/api/v1/keys/pst_0123456789ab_${secret}`)).toBe('/api/v1/keys/pst_0123456789ab_[redacted]');
    expect(redactUrl('/api/v1/x/eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln/y')).toBe('/api/v1/x/[redacted]/y');
    expect(redactUrl('/api/v1/keys/pst_0123456789ab')).toBe('/api/v1/keys/pst_0123456789ab');
  });
});
