import { ecRsaEquivalent } from '../grade/score.js';
/**
 * Handshake simulation, as SSL Labs reports it in `EndpointDetails.sims` (ssllabs-api-docs-v3.md: SimDetails,
 * Simulation, SimClient): for each reference client, what it would negotiate with the endpoint.
 *
 * Computed from the enumerated server facts, not by replaying the captured ClientHellos: the server's accepted
 * suites per protocol and their order, its named groups, its DH prime and the certificates it serves. The rules
 * and where they can differ from a real handshake are in docs/simulations.md.
 */
import type { KeyAlgorithm } from '../../inventory/public-key.js';
import {
  SSL2,
  TLS13,
  protocolName,
  type AcceptedSuite,
  type CipherSuiteInfo,
  type KxType,
  type NamedGroupInfo,
  type ProtocolSuitesFacts,
  type ProtocolVersion,
} from '../../scan/types.js';
import { REFERENCE_CLIENTS, type ClientProfile } from './clients.js';

/** One certificate chain the server serves, described by its leaf. */
export interface ServerCertificate {
  /** 'RSA', 'EC', 'DSA', 'Ed25519' … (as `CertificateFacts.keyAlgorithm`). */
  readonly keyAlg: KeyAlgorithm;
  /** RSA modulus bits, EC curve bits … */
  readonly keySize: number;
  /** JCA name of the leaf's signature algorithm: SHA256withRSA, SHA1withRSA, SHA384withECDSA … */
  readonly sigAlg: string;
  /** SSL Labs `certChainId`, when the caller has one. */
  readonly certChainId?: string;
}

/** What the simulation needs to know about the server: scan facts plus the certificates it serves. */
export interface ServerProfile {
  /** Per protocol: accepted suites in server order and whether the server has a preference (scan facts). */
  readonly protocols: readonly ProtocolSuitesFacts[];
  /** Supported named groups, in server order when it has a preference (scan facts). */
  readonly namedGroups: { readonly list: readonly NamedGroupInfo[]; readonly preference: boolean | null };
  /** DHE prime size, used when an accepted DHE suite does not carry its own `kx.dhBits`. */
  readonly dhBits?: number;
  /** The chains served, in the order the server prefers them (one per key type in practice). */
  readonly certificates: readonly ServerCertificate[];
}

/** SSL Labs `SimClient`. */
export interface SimClient {
  readonly id: number;
  readonly name: string;
  readonly platform?: string;
  readonly version: string;
  readonly isReference: boolean;
}

/** SSL Labs `Simulation`. On failure only `client`, `errorCode`, `errorMessage` and `attempts` are set. */
export interface Simulation {
  readonly client: SimClient;
  /** 0: the handshake succeeds; 1: it fails. */
  readonly errorCode: 0 | 1;
  readonly errorMessage?: string;
  /** Always 1, as in SSL Labs. */
  readonly attempts: 1;
  readonly certChainId?: string;
  readonly protocolId?: ProtocolVersion;
  readonly suiteId?: number;
  /** OpenSSL name, from the server's suite facts (`CipherSuiteInfo.name`). */
  readonly suiteName?: string;
  readonly kxType?: KxType;
  /** Key exchange strength in RSA-equivalent bits. */
  readonly kxStrength?: number;
  readonly dhBits?: number;
  readonly dhP?: string;
  readonly dhG?: string;
  readonly dhYs?: string;
  readonly namedGroupBits?: number;
  readonly namedGroupId?: number;
  readonly namedGroupName?: string;
  readonly keyAlg?: KeyAlgorithm;
  readonly keySize?: number;
  readonly sigAlg?: string;
}

/**
 * What each client would negotiate with the server. Pure: same facts, same answer.
 *
 * @example
 * const sims = simulateHandshakes({ protocols: facts.protocols, namedGroups: facts.namedGroups,
 *   certificates: [{ keyAlg: 'RSA', keySize: 2048, sigAlg: 'SHA256withRSA' }] });
 * const weakForModern = sims.some((s) => s.client.isReference && s.errorCode === 0 && s.suiteName?.includes('RC4'));
 */
export function simulateHandshakes(
  server: ServerProfile,
  clients: readonly ClientProfile[] = REFERENCE_CLIENTS,
): Simulation[] {
  return clients.map((client) => simulateHandshake(server, client));
}

function simulateHandshake(server: ServerProfile, client: ClientProfile): Simulation {
  const simClient = toSimClient(client);
  const fail = (errorMessage: string): Simulation => ({
    client: simClient,
    errorCode: 1,
    errorMessage,
    attempts: 1,
  });

  const facts = negotiateProtocol(server, client);
  if (facts === undefined) return fail('Protocol mismatch: no protocol version in common');
  const protocol = facts.protocol;
  const tls13 = protocol === TLS13;

  const chosen = chooseSuite(server, client, facts);
  if (chosen === undefined) return fail(`Cipher suite mismatch: no suite in common at ${label(protocol)}`);
  const { accepted, group } = chosen;
  const suite = accepted.suite;
  if (tls13 && group === null) return fail('No named group in common for the TLS 1.3 key share');

  const cert = tls13 ? certificateForTls13(server, client) : certificateForSuite(server, accepted);
  if (cert === null) {
    return fail('No server certificate that the client can verify with its signature algorithms');
  }
  const certProblem = cert === undefined ? undefined : certificateRejection(client, cert);
  if (certProblem !== undefined) return fail(certProblem);

  const ephemeralDh = !tls13 && suite.kx === 'DH' && suite.forwardSecrecy;
  const dhBits = ephemeralDh ? (accepted.kx?.dhBits ?? server.dhBits) : undefined;
  if (dhBits !== undefined) {
    // Java 6/7 abort on primes above 1024 bits, Chrome and Firefox on primes below 1024: the client, not the
    // server, refuses, so the server does not move on to another suite (SSL Labs reports these as failures).
    if (client.maxDhBits !== undefined && dhBits > client.maxDhBits) {
      return fail(
        `Server DH parameters (${dhBits} bits) exceed the client's maximum of ${client.maxDhBits} bits`,
      );
    }
    if (client.minDhBits !== undefined && dhBits < client.minDhBits) {
      return fail(
        `Server DH parameters (${dhBits} bits) are below the client's minimum of ${client.minDhBits} bits`,
      );
    }
  }

  const namedGroup = group ?? undefined;
  const ffdhe = namedGroup !== undefined && isFiniteFieldGroup(namedGroup.id);
  const kxType: KxType = tls13 ? (ffdhe ? 'DH' : 'ECDH') : suite.kx;
  const kxStrength = keyExchangeStrength(kxType, {
    dhBits,
    group: namedGroup,
    cert,
    staticEcdh: !tls13 && suite.kx === 'ECDH' && !suite.forwardSecrecy,
  });

  return {
    client: simClient,
    errorCode: 0,
    attempts: 1,
    ...(cert?.certChainId !== undefined && { certChainId: cert.certChainId }),
    protocolId: protocol,
    suiteId: suite.id,
    suiteName: suite.name,
    kxType,
    ...(kxStrength !== undefined && { kxStrength }),
    ...(dhBits !== undefined && { dhBits }),
    ...(ephemeralDh && accepted.kx?.dhP !== undefined && { dhP: accepted.kx.dhP }),
    ...(ephemeralDh && accepted.kx?.dhG !== undefined && { dhG: accepted.kx.dhG }),
    ...(ephemeralDh && accepted.kx?.dhYs !== undefined && { dhYs: accepted.kx.dhYs }),
    ...(namedGroup !== undefined && {
      namedGroupBits: namedGroup.bits,
      namedGroupId: namedGroup.id,
      namedGroupName: namedGroup.name,
    }),
    ...(cert !== undefined && { keyAlg: cert.keyAlg, keySize: cert.keySize, sigAlg: cert.sigAlg }),
  };
}

function toSimClient(client: ClientProfile): SimClient {
  return {
    id: client.id,
    name: client.name,
    ...(client.platform !== undefined && { platform: client.platform }),
    version: client.version,
    isReference: client.isReference,
  };
}

function label(protocol: ProtocolVersion): string {
  const { name, version } = protocolName(protocol);
  return `${name} ${version}`;
}

/** The highest protocol both sides support (SSLv2 is not simulated). */
function negotiateProtocol(server: ServerProfile, client: ClientProfile): ProtocolSuitesFacts | undefined {
  const [lowest, highest] = client.protocols;
  let best: ProtocolSuitesFacts | undefined;
  for (const facts of server.protocols) {
    if (facts.protocol === SSL2 || facts.suites.length === 0) continue;
    if (facts.protocol < lowest || facts.protocol > highest) continue;
    if (best === undefined || facts.protocol > best.protocol) best = facts;
  }
  return best;
}

const isTls13Suite = (id: number): boolean => id >> 8 === 0x13;
/** RFC 7919 ffdhe groups sit in 0x0100–0x01ff. */
const isFiniteFieldGroup = (id: number): boolean => id >> 8 === 0x01;

interface ChosenSuite {
  readonly accepted: AcceptedSuite;
  /** The ECDHE / TLS 1.3 group; undefined when none applies or the server's groups are unknown; null: none shared. */
  readonly group: NamedGroupInfo | undefined | null;
}

/**
 * Server preference: the first of the server's suites that the client offers; otherwise the first of the
 * client's suites that the server accepts. Only `preference: true` counts as a server preference (null means
 * the scan could not tell, in practice a single suite, where both orders agree).
 *
 * Before TLS 1.3 an ECDHE suite is skipped when no curve is shared (RFC 8422 §4: a server must not negotiate an
 * ECC suite it cannot complete with the client's curves). In TLS 1.3 the group is chosen apart from the suite.
 */
function chooseSuite(
  server: ServerProfile,
  client: ClientProfile,
  facts: ProtocolSuitesFacts,
): ChosenSuite | undefined {
  const tls13 = facts.protocol === TLS13;
  const offered = client.suites.filter((id) => isTls13Suite(id) === tls13);
  const candidates: AcceptedSuite[] = [];
  if (facts.preference === true) {
    for (const accepted of facts.suites) if (offered.includes(accepted.suite.id)) candidates.push(accepted);
  } else {
    for (const id of offered) {
      const accepted = facts.suites.find((a) => a.suite.id === id);
      if (accepted !== undefined) candidates.push(accepted);
    }
  }
  for (const accepted of candidates) {
    if (tls13) return { accepted, group: chooseGroup(server, client, accepted, true) };
    if (accepted.suite.kx === 'ECDH' && accepted.suite.forwardSecrecy) {
      const group = chooseGroup(server, client, accepted, false);
      if (group !== null) return { accepted, group };
      continue;
    }
    return { accepted, group: undefined };
  }
  return undefined;
}

/**
 * The server's preference among the client's groups when it has one, else the client's first group the server
 * supports. A client without supported_groups (RFC 8422 §4: the server may use any curve) gets the server's
 * first curve. When the server's list is unknown, the group seen with this suite during the scan stands in.
 */
function chooseGroup(
  server: ServerProfile,
  client: ClientProfile,
  accepted: AcceptedSuite,
  tls13: boolean,
): NamedGroupInfo | undefined | null {
  let serverGroups = server.namedGroups.list;
  if (serverGroups.length === 0) {
    const seen = accepted.kx?.group;
    if (seen === undefined) return undefined;
    serverGroups = [seen];
  }
  // Before TLS 1.3, ECDHE uses elliptic curves only; ffdhe entries govern DHE (not modelled).
  if (!tls13) serverGroups = serverGroups.filter((g) => !isFiniteFieldGroup(g.id));
  if (client.groups.length === 0) return tls13 ? null : (serverGroups[0] ?? null);
  if (server.namedGroups.preference === true) {
    return serverGroups.find((g) => client.groups.includes(g.id)) ?? null;
  }
  for (const id of client.groups) {
    const group = serverGroups.find((g) => g.id === id);
    if (group !== undefined) return group;
  }
  return null;
}

/**
 * The certificate key a suite needs before TLS 1.3, from its authentication: RSA, EC (ECDSA and static ECDH)
 * or DSA; null when the suite needs none (anon) or takes any (TLS 1.3 suites).
 */
export function keyAlgorithmForSuite(suite: CipherSuiteInfo): KeyAlgorithm | null {
  const { auth, kx, forwardSecrecy } = suite;
  if (auth === 'ECDSA' || (kx === 'ECDH' && !forwardSecrecy && auth !== 'anon')) return 'EC';
  if (auth === 'DSS') return 'DSA';
  if (auth === 'RSA') return 'RSA';
  return null;
}

/** Before TLS 1.3 the suite's authentication picks the chain: RSA, ECDSA (and static ECDH) or DSS. */
function certificateForSuite(server: ServerProfile, accepted: AcceptedSuite): ServerCertificate | undefined {
  if (accepted.suite.auth === 'anon') return undefined;
  const wanted = keyAlgorithmForSuite(accepted.suite);
  return server.certificates.find((c) => c.keyAlg === wanted) ?? server.certificates[0];
}

/** TLS SignatureScheme values (RFC 8446 §4.2.3) that verify a TLS 1.3 CertificateVerify from each key type. */
const TLS13_SCHEMES: Readonly<Record<string, readonly number[]>> = {
  EC: [0x0403, 0x0503, 0x0603],
  RSA: [0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b],
  Ed25519: [0x0807],
  Ed448: [0x0808],
};

/**
 * In TLS 1.3 the server picks a chain by the client's signature_algorithms: the first of its chains the
 * client can verify. null: none; undefined: the server's certificates are unknown.
 */
function certificateForTls13(
  server: ServerProfile,
  client: ClientProfile,
): ServerCertificate | undefined | null {
  if (server.certificates.length === 0) return undefined;
  if (client.signatureAlgorithms.length === 0) return server.certificates[0];
  const usable = server.certificates.find((c) =>
    (TLS13_SCHEMES[c.keyAlg] ?? []).some((scheme) => client.signatureAlgorithms.includes(scheme)),
  );
  return usable ?? null;
}

/** The client's own limits on the chain it is given; undefined when it accepts it. */
function certificateRejection(client: ClientProfile, cert: ServerCertificate): string | undefined {
  if (cert.keyAlg === 'RSA') {
    if (client.minRsaBits !== undefined && cert.keySize < client.minRsaBits) {
      return `RSA key (${cert.keySize} bits) below the client's minimum of ${client.minRsaBits} bits`;
    }
    if (client.maxRsaBits !== undefined && cert.keySize > client.maxRsaBits) {
      return `RSA key (${cert.keySize} bits) above the client's maximum of ${client.maxRsaBits} bits`;
    }
  }
  if (cert.keyAlg === 'EC' && client.minEcdsaBits !== undefined && cert.keySize < client.minEcdsaBits) {
    return `ECDSA key (${cert.keySize} bits) below the client's minimum of ${client.minEcdsaBits} bits`;
  }
  if (client.requiresSha2 && /^(SHA1|MD5|MD2)with/i.test(cert.sigAlg)) {
    return `Certificate signed with ${cert.sigAlg}; the client offers no SHA-1 signature algorithm`;
  }
  return undefined;
}

function keyExchangeStrength(
  kxType: KxType,
  ctx: {
    dhBits: number | undefined;
    group: NamedGroupInfo | undefined;
    cert: ServerCertificate | undefined;
    staticEcdh: boolean;
  },
): number | undefined {
  switch (kxType) {
    case 'RSA':
      return ctx.cert?.keyAlg === 'RSA' ? ctx.cert.keySize : undefined;
    case 'DH':
      return ctx.group !== undefined ? ctx.group.bits : ctx.dhBits;
    case 'ECDH':
      if (ctx.staticEcdh) return ctx.cert !== undefined ? ecRsaEquivalent(ctx.cert.keySize) : undefined;
      return ctx.group !== undefined ? ecRsaEquivalent(ctx.group.bits) : undefined;
    default:
      return undefined;
  }
}

export { ecRsaEquivalent };
