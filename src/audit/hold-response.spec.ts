import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'express';
import { holdResponse } from './hold-response';

const refusal = { status: 503, body: '{"error":{"code":"unavailable"}}' };

/** One request to a real server whose handler is `handle`; the answer as the client saw it. */
async function exchange(
  handle: (res: ServerResponse) => void,
): Promise<{ answer: IncomingMessage; body: string; close: () => void }> {
  const server = createServer((_req, res) => handle(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const answer = await new Promise<IncomingMessage>((resolve, reject) =>
    get(`http://127.0.0.1:${port}/`, resolve).on('error', reject),
  );
  const close = () => {
    answer.destroy();
    server.closeAllConnections();
    server.close();
  };
  if (answer.headers['content-type'] === 'text/event-stream') return { answer, body: '', close };
  let body = '';
  for await (const part of answer) body += String(part);
  close();
  return { answer, body, close };
}

/** The response held, with its record settled (or refused) by `outcome`. */
function held(res: ServerResponse, outcome: () => Promise<void> = () => Promise.resolve()) {
  holdResponse(res as unknown as Response, outcome, () => refusal);
}

describe(holdResponse.name, () => {
  it('holds writeHead: its status and headers go out with the body, over ones set before', async () => {
    let sentAtWriteHead: boolean | undefined;
    let returned: unknown;
    let response: ServerResponse | undefined;
    const { answer, body } = await exchange((res) => {
      response = res;
      held(res);
      res.setHeader('X-Kept', 'set');
      res.setHeader('X-Given', 'set');
      returned = res.writeHead(201, 'Made', { 'X-Given': 'head', 'set-cookie': ['a=1', 'b=2'] });
      sentAtWriteHead = res.headersSent;
      res.end('made');
    });
    expect(returned).toBe(response);
    expect(sentAtWriteHead).toBe(false);
    expect([answer.statusCode, answer.statusMessage]).toEqual([201, 'Made']);
    expect(answer.headers).toMatchObject({ 'x-kept': 'set', 'x-given': 'head', 'set-cookie': ['a=1', 'b=2'] });
    expect(body).toBe('made');
  });

  it('takes headers as [name, value] pairs and as a flat name, value list', async () => {
    const pairs = await exchange((res) => {
      held(res);
      res.writeHead(202, [
        ['set-cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
        ['x-pair', 'p'],
      ]);
      res.end();
    });
    expect(pairs.answer.statusCode).toBe(202);
    expect(pairs.answer.headers).toMatchObject({ 'set-cookie': ['a=1', 'b=2'], 'x-pair': 'p' });

    const flat = await exchange((res) => {
      held(res);
      res.setHeader('X-Flat', 'set');
      res.writeHead(200, ['set-cookie', 'a=1', 'set-cookie', ['b=2', 'c=3'], 'X-Flat', 'head']);
      res.end('{}');
    });
    expect(flat.answer.headers).toMatchObject({ 'set-cookie': ['a=1', 'b=2', 'c=3'], 'x-flat': 'head' });
  });

  it("refuses a call whose head was written with the refusal, and none of the handler's headers", async () => {
    const { answer, body } = await exchange((res) => {
      held(res, () => Promise.reject(new Error('audit store down')));
      res.setHeader('X-Request-Id', 'refused');
      res.writeHead(200, 'Fine', { 'content-type': 'application/json', 'set-cookie': 'session=1', 'x-mcp': 'y' });
      res.end('{"result":{}}');
    });
    expect([answer.statusCode, answer.statusMessage]).toEqual([503, 'Service Unavailable']);
    expect(answer.headers['x-request-id']).toBe('refused');
    expect(answer.headers['set-cookie']).toBeUndefined();
    expect(answer.headers['x-mcp']).toBeUndefined();
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(body).toBe(refusal.body);
  });

  it("keeps the route's CORS answer on a refusal, so a browser client can read it", async () => {
    const { answer, body } = await exchange((res) => {
      held(res, () => Promise.reject(new Error('audit store down')));
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
      res.setHeader('Vary', 'Origin');
      res.writeHead(201, { 'content-type': 'application/json', location: '/oauth/register/abc' });
      res.end('{"client_id":"abc"}');
    });
    expect(answer.statusCode).toBe(503);
    expect(answer.headers).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'Retry-After',
      vary: 'Origin',
    });
    expect(answer.headers.location).toBeUndefined();
    expect(body).toBe(refusal.body);
  });

  it('refuses an event stream whose record cannot be written with the refusal, not a dropped connection', async () => {
    const { answer, body } = await exchange((res) => {
      held(res, () => Promise.reject(new Error('audit store down')));
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-mcp': 'y' });
      res.flushHeaders();
      res.write('data: 1\n\n');
      res.write('data: 2\n\n');
    });
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['x-mcp']).toBeUndefined();
    expect(body).toBe(refusal.body);
  });

  it('writes the head at once once the response is released', async () => {
    let sentAtWriteHead: boolean | undefined;
    const { answer, body } = await exchange((res) => {
      holdResponse(
        res as unknown as Response,
        () => Promise.reject(new Error('never asked')),
        () => refusal,
        () => true,
      );
      res.writeHead(200, { 'content-type': 'text/plain' });
      sentAtWriteHead = res.headersSent;
      res.end('released');
    });
    expect(sentAtWriteHead).toBe(true);
    expect([answer.statusCode, body]).toEqual([200, 'released']);
  });

  it("settles an event stream's record before its head, then streams it", async () => {
    let settled!: () => void;
    const settling = new Promise<void>((resolve) => (settled = resolve));
    const settles: number[] = [];
    let response!: ServerResponse;
    const opened = exchange((res) => {
      response = res;
      holdResponse(
        res as unknown as Response,
        (body) => {
          settles.push(body.length);
          return settling;
        },
        () => refusal,
      );
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      res.write('data: 1\n\n');
    });
    let headSeen = false;
    void opened.then(() => (headSeen = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settles).toEqual([0]);
    expect(response.headersSent).toBe(false);
    expect(headSeen).toBe(false);

    settled();
    const { answer, close } = await opened;
    try {
      expect(answer.statusCode).toBe(200);
      let received = '';
      answer.on('data', (part) => (received += String(part)));
      const receiving = async (text: string) => {
        while (received !== text) await new Promise((resolve) => setTimeout(resolve, 5));
      };
      await receiving('data: 1\n\n');
      response.write('data: 2\n\n');
      await receiving('data: 1\n\ndata: 2\n\n');
      expect(settles).toEqual([0]);
    } finally {
      close();
    }
  });
});
