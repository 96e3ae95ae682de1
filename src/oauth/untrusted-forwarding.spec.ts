import express, { type Request } from 'express';
import { forgetUntrustedForwarding } from './untrusted-forwarding';

describe(forgetUntrustedForwarding.name, () => {
  const forwarded = () => ({
    'x-forwarded-host': 'evil.example',
    'x-forwarded-proto': 'https',
    'x-forwarded-for': '203.0.113.9',
    host: 'postern.example',
  });
  const request = (trust: string[], peer: string) => {
    const app = express();
    app.set('trust proxy', trust);
    return { app, socket: { remoteAddress: peer }, headers: forwarded() } as unknown as Request;
  };

  it('drops the forwarding headers of a peer TRUST_PROXY does not name', () => {
    const req = request(['10.0.0.0/8'], '127.0.0.1');
    forgetUntrustedForwarding(req);
    expect(req.headers).toEqual({ host: 'postern.example' });
  });

  it("keeps a named proxy's", () => {
    for (const [trust, peer] of [
      [['10.0.0.0/8'], '10.1.2.3'],
      [['loopback'], '::ffff:127.0.0.1'],
    ] as const) {
      const req = request([...trust], peer);
      forgetUntrustedForwarding(req);
      expect(req.headers).toEqual(forwarded());
    }
  });
});
