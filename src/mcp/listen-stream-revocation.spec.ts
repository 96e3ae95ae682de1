import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import type { Actor } from '../access/actor';
import type { BearerRecheck } from '../access/bearer-recheck';
import type { ActorRequest } from '../access/request-actor';
import type { AuditDraft } from '../audit/audit-context';
import type { AuditWriter } from '../audit/audit-writer.service';
import { ListenStreamRevocation } from './listen-stream-revocation';
import type { HeldStream, ListenStreamSlots } from './listen-stream-slots';

describe(ListenStreamRevocation.name, () => {
  const actor = { kind: 'api_key', keyId: 'k1', workspaceId: 'w1' } as Actor;

  /** A started event stream: ending it is what the checks may do to it. */
  function stream(token: string): HeldStream & { ended: () => boolean } {
    const res = Object.assign(new EventEmitter(), {
      headersSent: true,
      writableEnded: false,
      destroyed: false,
      getHeader: () => 'text/event-stream',
      end() {
        res.writableEnded = true;
      },
    });
    const req = { id: `listen-${token}`, method: 'POST', path: '/mcp', body: { method: 'subscriptions/listen' } };
    return {
      req: req as unknown as ActorRequest,
      res: res as unknown as Response,
      actor,
      token,
      ended: () => res.writableEnded,
    };
  }

  function revocation(streams: HeldStream[], refusalAtMcp: (token: string) => Promise<string | undefined>) {
    const records: AuditDraft[] = [];
    const asked: string[] = [];
    const writer = {
      toFields: (draft: AuditDraft) => draft,
      write: (draft: AuditDraft) => Promise.resolve(void records.push(draft)),
    } as unknown as AuditWriter;
    const recheck = {
      refusalAtMcp: (token: string) => {
        asked.push(token);
        return refusalAtMcp(token);
      },
    } as BearerRecheck;
    const slots = { held: () => streams } as unknown as ListenStreamSlots;
    return { checks: new ListenStreamRevocation(slots, recheck, writer), records, asked };
  }

  const settled = () => new Promise((r) => setImmediate(r));

  it('leaves the streams of a credential still let in open, asking once per credential', async () => {
    const streams = [stream('a'), stream('a'), stream('b')];
    const { checks, records, asked } = revocation(streams, () => Promise.resolve(undefined));
    await checks.checkAll();
    expect(asked.sort()).toEqual(['a', 'b']);
    expect(streams.map((s) => s.ended())).toEqual([false, false, false]);
    expect(records).toEqual([]);
  });

  it('ends the streams of a refused credential and records why, under the listen request', async () => {
    const streams = [stream('a'), stream('b')];
    const { checks, records } = revocation(streams, (token) =>
      Promise.resolve(token === 'a' ? 'the API key was revoked' : undefined),
    );
    await checks.checkAll();
    await settled();
    expect(streams.map((s) => s.ended())).toEqual([true, false]);
    expect(records).toEqual([
      expect.objectContaining({
        correlationId: 'listen-a',
        operation: 'mcp subscriptions/listen ended',
        actor,
        decision: 'denied',
        errorCode: 'unauthenticated',
        reason: 'credential no longer valid: the API key was revoked',
      }),
    ]);
  });

  it('ends a stream whose credential cannot be checked (the database is down): nothing stays open on a guess', async () => {
    const streams = [stream('a')];
    const { checks, records } = revocation(streams, () => Promise.reject(new Error('connection refused')));
    await checks.checkAll();
    await settled();
    expect(streams[0].ended()).toBe(true);
    expect(records).toEqual([
      expect.objectContaining({ reason: 'credential could not be checked again (database unavailable)' }),
    ]);
  });
});
