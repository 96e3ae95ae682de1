import { oauthOperation } from './oauth-routes';

describe('oauthOperation', () => {
  it('names the endpoint a request reached', () => {
    expect(oauthOperation('POST', '/token')).toBe('POST /oauth/token');
    expect(oauthOperation('POST', '/register')).toBe('POST /oauth/register');
    expect(oauthOperation('POST', '/revoke?x=1')).toBe('POST /oauth/revoke');
    expect(oauthOperation('GET', '/authorize?client_id=a&scope=b')).toBe('GET /oauth/authorize');
    expect(oauthOperation('GET', '/jwks')).toBe('GET /oauth/jwks');
  });

  it('leaves ids in the path out of the name', () => {
    expect(oauthOperation('GET', '/authorize/Xy7-uid')).toBe('GET /oauth/authorize/:id');
  });

  it('keeps the route pattern for a path that reaches no endpoint', () => {
    expect(oauthOperation('GET', '/tokens')).toBe('GET /oauth/*path');
    expect(oauthOperation('GET', '/')).toBe('GET /oauth/*path');
    expect(oauthOperation('POST', '/token//')).toBe('POST /oauth/*path');
    // Dotless i upper-cases to ASCII I: the router keeps it as it is, so this is no endpoint.
    expect(oauthOperation('POST', '/regıster')).toBe('POST /oauth/*path');
  });

  it('names an endpoint however the router would reach it: any case, one trailing slash', () => {
    expect(oauthOperation('POST', '/Token')).toBe('POST /oauth/token');
    expect(oauthOperation('POST', '/REGISTER')).toBe('POST /oauth/register');
    expect(oauthOperation('POST', '/register/')).toBe('POST /oauth/register');
    expect(oauthOperation('GET', '/AUTHORIZE/uid-1/')).toBe('GET /oauth/authorize/:id');
  });
});
