import { WITHHELD, withoutSecrets } from './withheld-fields';

describe('withoutSecrets', () => {
  it('withholds secret-named fields at any depth and keeps the rest as it was', () => {
    const body = {
      email: 'a@example.com',
      password: 'hunter2hunter2',
      csrf: 'x',
      nested: { new_password: 'p', items: [{ access_token: 't', name: 'n' }] },
      count: 3,
    };
    expect(withoutSecrets(body)).toEqual({
      email: 'a@example.com',
      password: WITHHELD,
      csrf: WITHHELD,
      nested: { new_password: WITHHELD, items: [{ access_token: WITHHELD, name: 'n' }] },
      count: 3,
    });
    expect(body.password).toBe('hunter2hunter2');
  });

  it('passes values that are not objects through', () => {
    expect([withoutSecrets('text'), withoutSecrets(null), withoutSecrets(undefined), withoutSecrets(1)]).toEqual([
      'text',
      null,
      undefined,
      1,
    ]);
  });
});
