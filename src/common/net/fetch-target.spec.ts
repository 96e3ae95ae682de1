import { parseFetchUrl, pinFetchAddress, type Resolver } from './fetch-target';
import { isPublicAddress } from './ip-policy';
import { SafeFetchError } from './safe-fetch.errors';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof SafeFetchError ? error.code : `not a SafeFetchError: ${String(error)}`;
  }
  return undefined;
};

const neverCalled: Resolver = () => Promise.reject(new Error('the resolver must not be called'));
const live = () => new AbortController().signal;

describe(parseFetchUrl.name, () => {
  it.each([
    ['http', 'http://example.com/a.png'],
    ['file', 'file:///etc/passwd'],
    ['data', 'data:image/png;base64,iVBORw0KGgo='],
    ['ftp', 'ftp://example.com/a.png'],
    ['javascript', 'javascript:alert(1)'],
    ['gopher', 'gopher://example.com/'],
    ['ws', 'wss://example.com/'],
    ['user and password', 'https://user:pass@example.com/a.png'],
    ['user only', 'https://user@example.com/a.png'],
    ['empty password', 'https://user:@example.com/a.png'],
    ['not a URL', 'not a url'],
    ['relative', '/a.png'],
    ['too long', `https://example.com/${'a'.repeat(2100)}`],
    ['public IPv4 written in decimal', 'https://134744072/'],
    ['public IPv4 written in hex', 'https://0x8.0x8.0x8.0x8/'],
    ['public IPv4 written short', 'https://8.526344/'],
    ['public IPv4 with leading zeros', 'https://008.008.008.008/'],
    ['public IPv4 with a trailing dot', 'https://8.8.8.8./'],
    ['public IPv4 without slashes', 'https:134744072/'],
  ])('refuses %s with url_not_allowed', (_name, url) => {
    expect(codeOf(() => parseFetchUrl(url, isPublicAddress))).toBe('url_not_allowed');
  });

  it.each([
    ['loopback', 'https://127.0.0.1/'],
    ['loopback, decimal', 'https://2130706433/'],
    ['loopback, octal', 'https://0177.0.0.1/'],
    ['loopback, hex', 'https://0x7f.1/'],
    ['loopback, hex, one number', 'https://0x7f000001/'],
    ['loopback, short', 'https://127.1/'],
    ['loopback, percent-encoded', 'https://%31%32%37.0.0.1/'],
    ['loopback, full-width digits', 'https://１２７.０.０.１/'],
    ['unspecified', 'https://0.0.0.0/'],
    ['unspecified, short', 'https://0/'],
    ['private 10/8', 'https://10.0.0.1/'],
    ['private 172.16/12', 'https://172.16.5.4/'],
    ['private 192.168/16', 'https://192.168.0.1:8443/'],
    ['private, octal', 'https://012.0.0.1/'],
    ['metadata', 'https://169.254.169.254/latest/meta-data/'],
    ['metadata, decimal', 'https://2852039166/'],
    ['CGNAT', 'https://100.64.0.1/'],
    ['broadcast', 'https://255.255.255.255/'],
    ['reserved 240/4', 'https://240.0.0.1/'],
    ['benchmarking', 'https://198.18.0.1/'],
    ['documentation', 'https://192.0.2.1/'],
    ['IPv6 loopback', 'https://[::1]/'],
    ['IPv6 unspecified', 'https://[::]/'],
    ['IPv6 link-local', 'https://[fe80::1]/'],
    ['IPv6 ULA', 'https://[fd00::1]/'],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/'],
    ['IPv4-mapped loopback, hex', 'https://[::ffff:7f00:1]/'],
    ['IPv4-compatible loopback', 'https://[::7f00:1]/'],
    ['NAT64 embedding loopback', 'https://[64:ff9b::7f00:1]/'],
    ['6to4 embedding private', 'https://[2002:a00:1::1]/'],
    ['Teredo', 'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/'],
  ])('refuses an IP literal host that is not public: %s', (_name, url) => {
    expect(codeOf(() => parseFetchUrl(url, isPublicAddress))).toBe('address_not_public');
  });

  it('accepts an https URL with a host name, a port, a path and a query', () => {
    const url = parseFetchUrl('https://media.example.com:8443/a/b.png?x=1#frag', isPublicAddress);
    expect(url.href).toBe('https://media.example.com:8443/a/b.png?x=1#frag');
  });

  it('accepts public IP literals in canonical form', () => {
    expect(parseFetchUrl('https://8.8.8.8/a.png', isPublicAddress).hostname).toBe('8.8.8.8');
    expect(parseFetchUrl('HTTPS://8.8.8.8:443/a.png', isPublicAddress).hostname).toBe('8.8.8.8');
    expect(parseFetchUrl('https://[2606:4700:4700::1111]/', isPublicAddress).hostname).toBe('[2606:4700:4700::1111]');
  });

  it('resolves a relative redirect against the previous URL, keeping its host', () => {
    const base = parseFetchUrl('https://8.8.8.8/dir/a.png', isPublicAddress);
    expect(parseFetchUrl('../b.png', isPublicAddress, base).href).toBe('https://8.8.8.8/b.png');
    expect(parseFetchUrl('/c.png', isPublicAddress, base).href).toBe('https://8.8.8.8/c.png');
  });

  it('applies the same rules to an absolute or scheme-relative redirect', () => {
    const base = parseFetchUrl('https://media.example.com/a.png', isPublicAddress);
    expect(codeOf(() => parseFetchUrl('//127.0.0.1/x', isPublicAddress, base))).toBe('address_not_public');
    expect(codeOf(() => parseFetchUrl('\\\\0x7f.1/x', isPublicAddress, base))).toBe('address_not_public');
    expect(codeOf(() => parseFetchUrl('//134744072/x', isPublicAddress, base))).toBe('url_not_allowed');
    expect(codeOf(() => parseFetchUrl('http://media.example.com/x', isPublicAddress, base))).toBe('url_not_allowed');
    expect(codeOf(() => parseFetchUrl('https://u:p@media.example.com/x', isPublicAddress, base))).toBe(
      'url_not_allowed',
    );
  });

  it('gives messages that name the reason and nothing internal', () => {
    const refusal = (url: string) => {
      try {
        parseFetchUrl(url, isPublicAddress);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    };
    expect(refusal('http://example.com/')).toBe('Only https URLs are accepted');
    expect(refusal('https://10.0.0.1/')).toBe('The URL points to an address that is not on the public internet');
    // Refused with the same words, and the address it spells is not echoed back.
    expect(refusal('https://2130706433/')).toBe('The URL points to an address that is not on the public internet');
    expect(refusal('https://2130706433/')).not.toContain('127.0.0.1');
  });
});

describe(pinFetchAddress.name, () => {
  const url = (href: string) => new URL(href);

  it('pins the first address of an answer in which every address is public', async () => {
    const resolve = jest.fn<ReturnType<Resolver>, Parameters<Resolver>>().mockResolvedValue([
      { address: '2606:4700:4700::1111', family: 6 },
      { address: '8.8.8.8', family: 4 },
    ]);
    await expect(pinFetchAddress(url('https://media.example.com/'), resolve, isPublicAddress, live())).resolves.toEqual(
      { address: '2606:4700:4700::1111', family: 6 },
    );
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(resolve).toHaveBeenCalledWith('media.example.com');
  });

  it.each([
    ['one public and one private IPv4', ['8.8.8.8', '10.0.0.1']],
    ['one private and one public IPv4', ['192.168.1.1', '8.8.8.8']],
    ['public IPv4 and IPv6 loopback', ['8.8.8.8', '::1']],
    ['public IPv6 and IPv4-mapped loopback', ['2606:4700:4700::1111', '::ffff:127.0.0.1']],
    ['public IPv4 and link-local metadata', ['8.8.8.8', '169.254.169.254']],
    ['only loopback', ['127.0.0.1']],
  ])('refuses a name whose answer holds %s', async (_name, addresses) => {
    const resolve: Resolver = () =>
      Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as const));
    await expect(
      pinFetchAddress(url('https://rebind.example.com/'), resolve, isPublicAddress, live()),
    ).rejects.toMatchObject({ code: 'address_not_public' });
  });

  it('checks IP literals without asking the resolver', async () => {
    await expect(pinFetchAddress(url('https://8.8.8.8/'), neverCalled, isPublicAddress, live())).resolves.toEqual({
      address: '8.8.8.8',
      family: 4,
    });
    await expect(
      pinFetchAddress(url('https://[2606:4700:4700::1111]/'), neverCalled, isPublicAddress, live()),
    ).resolves.toEqual({ address: '2606:4700:4700::1111', family: 6 });
    await expect(pinFetchAddress(url('https://[::1]/'), neverCalled, isPublicAddress, live())).rejects.toMatchObject({
      code: 'address_not_public',
    });
  });

  it('reports an empty or failed lookup as fetch_failed without the resolver error text', async () => {
    await expect(
      pinFetchAddress(url('https://none.example.com/'), () => Promise.resolve([]), isPublicAddress, live()),
    ).rejects.toMatchObject({ code: 'fetch_failed', message: 'The host name could not be resolved' });
    const failing: Resolver = () => Promise.reject(new Error('getaddrinfo ENOTFOUND secret-internal-name'));
    await expect(
      pinFetchAddress(url('https://none.example.com/'), failing, isPublicAddress, live()),
    ).rejects.toMatchObject({ code: 'fetch_failed', message: 'The host name could not be resolved' });
  });

  it('stops waiting for a lookup when the deadline passes', async () => {
    const controller = new AbortController();
    const hanging: Resolver = () => new Promise(() => undefined);
    const pending = pinFetchAddress(url('https://slow.example.com/'), hanging, isPublicAddress, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'timeout' });
  });
});
