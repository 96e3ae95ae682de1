import { lookup } from 'node:dns/promises';
import { parseFetchUrl, pinFetchAddress, type ResolvedAddress } from '../common/net/fetch-target';
import { isPublicAddress } from '../common/net/ip-policy';

const resolveAll = async (host: string): Promise<ResolvedAddress[]> =>
  (await lookup(host, { all: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/**
 * Whether a Client ID Metadata Document URL may be fetched at all: https, no credentials, and a
 * host whose every address is public. Checked before oidc-provider opens any connection (its own
 * fetcher also refuses special-use addresses, caps size and time, and follows no redirects).
 */
export async function clientMetadataFetchAllowed(clientId: string): Promise<boolean> {
  try {
    const url = parseFetchUrl(clientId, isPublicAddress);
    await pinFetchAddress(url, resolveAll, isPublicAddress, AbortSignal.timeout(2500));
    return true;
  } catch {
    return false;
  }
}
