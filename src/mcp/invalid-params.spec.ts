import { ProtocolError, type McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { answerMalformedParams } from './invalid-params';

/** A server with one stored handler, as the SDK keeps them. */
function serverWith(method: string, handler: () => Promise<unknown>): McpServer {
  return { server: { _requestHandlers: new Map([[method, handler]]) } } as unknown as McpServer;
}

function call(server: McpServer, method: string): Promise<unknown> {
  const handlers = (
    server.server as unknown as { _requestHandlers: Map<string, (r: unknown, c: unknown) => Promise<unknown>> }
  )._requestHandlers;
  return handlers.get(method)!({}, {});
}

describe('answerMalformedParams', () => {
  const schemaRefusal = () => {
    const parsed = z.object({ params: z.object({ uri: z.string() }) }).safeParse({ params: {} });
    return new Error(parsed.success ? '' : parsed.error.message);
  };

  it('answers a schema refusal before the handler as invalid params, in one line', async () => {
    const server = serverWith('resources/read', () => Promise.reject(schemaRefusal()));
    answerMalformedParams(server, 'resources/read', () => false);
    const err = (await call(server, 'resources/read').catch((e: unknown) => e)) as ProtocolError;
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err.code).toBe(-32602);
    expect(err.message).toMatch(/^invalid params for resources\/read: uri: .+$/);
  });

  it('leaves any other failure, and anything the handler threw, as it was', async () => {
    const boom = new Error('boom');
    const failing = serverWith('initialize', () => Promise.reject(boom));
    answerMalformedParams(failing, 'initialize', () => false);
    await expect(call(failing, 'initialize')).rejects.toBe(boom);

    const refusal = schemaRefusal();
    const reached = serverWith('tools/list', () => Promise.reject(refusal));
    answerMalformedParams(reached, 'tools/list', () => true);
    await expect(call(reached, 'tools/list')).rejects.toBe(refusal);
  });

  it('changes nothing for a method the server does not hold', () => {
    const server = serverWith('ping', () => Promise.resolve({}));
    answerMalformedParams(server, 'tools/call', () => false);
    expect([
      ...(server.server as unknown as { _requestHandlers: Map<string, unknown> })._requestHandlers.keys(),
    ]).toEqual(['ping']);
  });
});
