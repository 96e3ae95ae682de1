import { AuditContext } from './audit-context';

describe('AuditContext.noteResult', () => {
  it('names each object a call changed under its own kind, so one never reads as the other', () => {
    const draft = AuditContext.start('cli', 'setup', 'c1');
    AuditContext.run(draft, () => {
      AuditContext.noteResult('member', { user_id: 'u', role: 'owner' });
      AuditContext.noteResult('key', { key_id: 'k', scopes: ['posts:read'] });
      AuditContext.noteResult('member', { previous_role: 'admin' });
    });
    expect(draft.result).toEqual({
      member: { user_id: 'u', role: 'owner', previous_role: 'admin' },
      key: { key_id: 'k', scopes: ['posts:read'] },
    });
  });

  it('does nothing outside a call', () => {
    expect(() => AuditContext.noteResult('key', { key_id: 'k' })).not.toThrow();
  });
});
