import { storable } from './storable-text';

describe('storable', () => {
  it('keeps ordinary text, other scripts and emoji as they are', () => {
    for (const text of ['mcp tools/call list_workspaces', 'POST /api/v1/posts/:id', 'مرحبا 写真 👍🏽'])
      expect(storable(text)).toBe(text);
  });

  it('replaces NUL, half characters, controls, separators and direction controls', () => {
    expect(storable('a\u0000b\uD800c')).toBe('a\uFFFDb\uFFFDc');
    expect(storable('list_workspaces\nFAKE: allowed\r\t')).toBe('list_workspaces\uFFFDFAKE: allowed\uFFFD\uFFFD');
    expect(storable('x\u0085y\u2028z\u2029')).toBe('x\uFFFDy\uFFFDz\uFFFD');
    expect(storable('evil\u202Egnp.exe\u2066')).toBe('evil\uFFFDgnp.exe\uFFFD');
  });

  it('leaves the password and user out of a URI, wherever it stands', () => {
    expect(storable('mcp resources/read https://user:PASSWORD@example.com/x')).toBe(
      'mcp resources/read https://…@example.com/x',
    );
    expect(storable('Resource postern://admin@campaigns/1 not found')).toBe(
      'Resource postern://…@campaigns/1 not found',
    );
    expect(storable('postern://campaigns/1?mail=a@b')).toBe('postern://campaigns/1?mail=a@b');
    expect(storable('contact: ops@example.com')).toBe('contact: ops@example.com');
  });
});
