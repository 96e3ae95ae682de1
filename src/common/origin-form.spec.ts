import type { Request, Response } from 'express';
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
    ['http://example.com?x=1', '/?x=1'],
    ['http://user@example.com/mcp/', '/mcp/'],
  ])('rewrites the absolute form %s to %s', (target, path) => {
    expect(rewrite(target)).toEqual([path, path]);
  });

  it.each(['/mcp', '*', '/http://example.com/mcp', 'ftp://example.com/mcp', 'mcp'])('leaves %s as sent', (target) => {
    expect(rewrite(target)).toEqual([target, target]);
  });
});
