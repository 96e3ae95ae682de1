import type { Request, Response } from 'express';
import parseurl from 'parseurl';
import { originForm } from './origin-form';

function rewrite(target: string): [string, string] {
  const req = { url: target, originalUrl: target } as Request;
  let called = false;
  originForm(req, {} as Response, () => (called = true));
  expect(called).toBe(true);
  return [req.url, req.originalUrl];
}

describe('originForm', () => {
  it.each([
    ['http://127.0.0.1:3000/mcp', '/mcp'],
    ['HTTPS://Example.COM/api/v1/audit?cursor=5', '/api/v1/audit?cursor=5'],
    ['http://example.com', '/'],
    ['http://user@example.com/mcp/', '/mcp/'],
    // Any scheme: Node accepts them, and Express routes each of these to /mcp.
    ['ftp://example.com/mcp', '/mcp'],
    ['ws://example.com/mcp?x=1', '/mcp?x=1'],
    ['file:///mcp', '/mcp'],
    ['http://example.com\\mcp', '/mcp'],
    // A fragment, which the router drops.
    ['/mcp#x', '/mcp'],
    ['/mcp?a=1#frag?b', '/mcp?a=1'],
    ['http://example.com/mcp#x', '/mcp'],
  ])('rewrites %s to %s', (target, path) => {
    expect(rewrite(target)).toEqual([path, path]);
  });

  it.each(['/mcp', '*', '/http://example.com/mcp', 'foo:mcp'])('leaves %s as sent', (target) => {
    expect(rewrite(target)).toEqual([target, target]);
  });

  it('gives the path Express routes by, for every form', () => {
    for (const target of [
      'http://h/mcp',
      'ftp://h/a/../mcp',
      'http://h\\mcp',
      'x/mcp',
      'foo:mcp',
      'http://h/%2e%2e/mcp',
      '/mcp#x',
      '/a/../mcp#/x',
    ])
      expect([target, parseurl({ url: rewrite(target)[0] } as Request)?.pathname]).toEqual([
        target,
        parseurl({ url: target } as Request)?.pathname,
      ]);
  });
});
