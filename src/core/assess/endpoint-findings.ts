import { is64BitBlock, isAnonymous, isExport, isNull, isRc4 } from '../scan/ciphers.js';
import { SSL2, SSL3, TLS10, TLS11, TLS12, type EndpointFacts } from '../scan/types.js';
import type { EndpointDetails } from './endpoint-details.js';
import type { FindingId } from './findings.js';
import type { ChainEvaluation } from './trust.js';

const DAY = 86_400_000;
/** CA/Browser Forum BR 6.3.2: leaf certificates issued since 2020-09-01 live at most 398 days. */
const MAX_LEAF_DAYS = 398;

/**
 * Which findings (core/assess/findings.ts, mapped to QIDs there) an assessed endpoint shows. Each rule
 * is the SSL Labs condition named in docs/qids.md.
 */
export function endpointFindings(
  facts: EndpointFacts,
  details: EndpointDetails,
  leaf: ChainEvaluation | null,
  now: number,
): Set<FindingId> {
  const found = new Set<FindingId>(['info-ssl-server', 'info-protocol-properties']);
  const add = (id: FindingId, when: boolean) => when && found.add(id);
  const versions = new Set(facts.protocols.map((p) => p.protocol));
  const suites = facts.protocols.filter((p) => p.protocol !== SSL2).flatMap((p) => p.suites);
  const dhBits = suites.map((a) => a.kx?.dhBits).filter((b): b is number => b !== undefined);

  add('info-version-tolerance', versions.has(TLS12));
  add('info-secure-renegotiation', facts.serverHello.secureRenegotiation === true);
  add('info-hsts', details.hstsPolicy.status === 'present');
  add('info-dh-known-prime', (details.dhUsesKnownPrimes ?? 0) > 0);

  add('protocol-sslv2', versions.has(SSL2));
  add('protocol-sslv3', versions.has(SSL3));
  add('protocol-tls10', versions.has(TLS10));
  add('protocol-tls11', versions.has(TLS11));

  add(
    'suite-weak-encryption',
    suites.some((a) => a.suite.strength < 112),
  );
  // The server's own first choice is weak: a client cannot avoid it by offering better.
  add(
    'suite-weak-encryption-forced',
    facts.protocols.some((p) => p.preference === true && (p.suites[0]?.suite.strength ?? 128) < 112),
  );
  add(
    'suite-export',
    suites.some((a) => isExport(a.suite)),
  );
  add(
    'suite-rc4',
    suites.some((a) => isRc4(a.suite)),
  );
  add(
    'suite-64bit-block',
    suites.some((a) => is64BitBlock(a.suite)),
  );
  add(
    'suite-null',
    suites.some((a) => isNull(a.suite)),
  );
  add(
    'suite-anonymous',
    suites.some((a) => isAnonymous(a.suite)),
  );
  add(
    'dh-below-2048',
    dhBits.some((b) => b < 2048),
  );
  add(
    'dh-below-1024',
    dhBits.some((b) => b < 1024),
  );

  add('beast', details.vulnBeast);
  add('poodle', details.poodle);
  add('poodle-tls', details.poodleTls === 2);
  add('heartbleed', details.heartbleed);
  add('openssl-ccs', details.openSslCcs >= 2);
  add('lucky-minus-20', details.openSSLLuckyMinus20 === 2);
  add('ticketbleed', details.ticketbleed === 2);
  add('robot', details.bleichenbacher >= 2 && details.bleichenbacher <= 3);
  add('freak', details.freak);
  add('drown', details.drownVulnerable);
  add('zombie-poodle', details.zombiePoodle >= 2);
  add('golden-doodle', details.goldenDoodle >= 2);
  add('zero-length-padding-oracle', details.zeroLengthPaddingOracle >= 2);
  add('sleeping-poodle', details.sleepingPoodle >= 2);
  add('insecure-renegotiation', (details.renegSupport & 1) !== 0);
  add('tls-compression', details.compressionMethods !== 0);
  add('no-fallback-scsv', details.fallbackScsv === false);
  add('no-forward-secrecy', details.forwardSecrecy === 0);
  add('no-aead', !details.supportsAead);
  add('protocol-intolerance', details.protocolIntolerance !== 0);

  if (leaf !== null) {
    found.add('info-certificate');
    add('cert-expiring-soon', !leaf.expired && leaf.validTo - now < 180 * DAY);
    add('cert-expired', leaf.expired);
    add('cert-self-signed', leaf.selfSignedLeaf);
    add('cert-hostname-mismatch', leaf.hostnameMismatch === true);
    add('cert-untrusted', leaf.trusted.length === 0 && !leaf.selfSignedLeaf);
    add(
      'cert-validity-too-long',
      !leaf.selfSignedLeaf && leaf.validTo - leaf.validFrom > (MAX_LEAF_DAYS + 1) * DAY,
    );
    add('cert-weak-key', leaf.keyAlg === 'RSA' && (leaf.keySize ?? 0) < 2048);
    add('cert-sha1-signature', leaf.weakSignature === 'SHA1');
  }
  add('hsts-missing', facts.session?.http != null && details.hstsPolicy.status !== 'present');
  return found;
}
