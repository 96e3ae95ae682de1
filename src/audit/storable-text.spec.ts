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

  it('takes the user information up to its last @, and covers the Arabic letter mark', () => {
    expect(storable('https://u:p@ss@host/x')).toBe('https://…@host/x');
    expect(storable('a\u061Cb')).toBe('a\uFFFDb');
  });

  it('leaves out credentials a caller put in a path or URI', () => {
    const secret = 'AbC_-123'.repeat(5) + 'xyz';
    expect(storable(`GET /api/v1/nothing/pst_0123456789ab_${secret}`)).toBe(
      'GET /api/v1/nothing/pst_0123456789ab_[redacted]',
    );
    expect(storable('mcp resources/read https://x.example/a?token=s3cr3t&b=1')).toBe(
      'mcp resources/read https://x.example/a?token=[redacted]&b=1',
    );
  });

  it('cleans before it cuts, and never cuts a character in two', () => {
    const uri = `https://ops:${'p'.repeat(400)}@example.com/`;
    expect(storable(uri, 300)).toBe('https://…@example.com/');
    expect(storable(`${'x'.repeat(299)}👍`, 300)).toBe('x'.repeat(299));
    expect(storable('short', 300)).toBe('short');
  });
});
