import { isAnonymous, isExport, isNull, isRc4 } from '../scan/ciphers.js';
import { SSL2, SSL3, protocolName, type AcceptedSuite, type ProtocolSuitesFacts } from '../scan/types.js';
import type { NamedGroupEntry, ProtocolEntry, ProtocolSuites, SuiteEntry } from './endpoint-details.js';
import { ecRsaEquivalent } from './sims/index.js';

/**
 * The `protocols` and `suites` of EndpointDetails from the enumeration, with SSL Labs' conventions:
 * `q: 0` marks insecure protocols (SSLv2, SSLv3) and suites (export, NULL, anonymous, RC4, under 112
 * bits); key exchange strength is in RSA-equivalent bits; DH sizes (`dhP`, `dhG`, `dhYs`) are in bytes,
 * as SSL Labs reports them.
 */
export function protocolEntries(protocols: readonly ProtocolSuitesFacts[]): ProtocolEntry[] {
  return protocols.map((p) => ({
    ...protocolName(p.protocol),
    ...(p.protocol === SSL2 && p.v2SuitesDisabled === true ? { v2SuitesDisabled: true } : {}),
    q: p.protocol === SSL2 || p.protocol === SSL3 ? 0 : null,
  }));
}

const hexBytes = (hex: string | undefined): number => Math.ceil((hex?.length ?? 0) / 2);

export function insecureSuite(a: AcceptedSuite): boolean {
  const s = a.suite;
  return isExport(s) || isNull(s) || isAnonymous(s) || isRc4(s) || s.strength < 112;
}

export function suiteEntry(a: AcceptedSuite, certificateKeyBits: number | null): SuiteEntry {
  const { suite, kx } = a;
  const kxStrength =
    kx?.dhBits !== undefined
      ? kx.dhBits
      : kx?.group !== undefined
        ? kx.group.id >= 256 && kx.group.id <= 260
          ? kx.group.bits
          : ecRsaEquivalent(kx.group.bits)
        : suite.kx === 'RSA'
          ? (certificateKeyBits ?? undefined)
          : undefined;
  return {
    id: suite.id,
    name: suite.name,
    cipherStrength: suite.strength,
    kxType: suite.kx,
    ...(kxStrength !== undefined ? { kxStrength } : {}),
    ...(kx?.dhP !== undefined
      ? { dhP: hexBytes(kx.dhP), dhG: hexBytes(kx.dhG), dhYs: hexBytes(kx.dhYs) }
      : {}),
    ...(kx?.group !== undefined
      ? { namedGroupBits: kx.group.bits, namedGroupId: kx.group.id, namedGroupName: kx.group.name }
      : {}),
    q: insecureSuite(a) ? 0 : null,
  };
}

export function suiteLists(
  protocols: readonly ProtocolSuitesFacts[],
  certificateKeyBits: number | null,
): ProtocolSuites[] {
  return protocols.map((p) => ({
    protocol: p.protocol,
    list: p.suites.map((a) => suiteEntry(a, certificateKeyBits)),
    preference: p.preference,
  }));
}

export const groupEntries = (
  list: readonly { id: number; name: string; bits: number }[],
): NamedGroupEntry[] => list.map((g) => ({ id: g.id, name: g.name, bits: g.bits }));
