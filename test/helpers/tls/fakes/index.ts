/**
 * Wire-level fake TLS servers on 127.0.0.1 for the scanner's tests: configurable ancient and broken
 * servers (SSLv2, SSLv3, RC4, export suites, Heartbleed, CCS injection, Ticketbleed, version
 * intolerance …) that modern OpenSSL cannot play. They answer a ClientHello with a plaintext flight and
 * never complete a key exchange.
 *
 * @example
 *   const fake = await startFakeTlsServer(heartbleedServer);
 *   // scan fake.host:fake.port …
 *   await fake.stop();
 */
export { startFakeTlsServer, type FakeServerEvent, type FakeTlsServer } from './server.js';
export {
  DEFAULT_GROUPS,
  SSL2,
  SSL2_KINDS,
  SSL3,
  TLS10,
  TLS11,
  TLS12,
  fixtureChain,
  resolveConfig,
  type FakeProtocol,
  type FakeServerConfig,
  type FakeSuites,
  type FakeTlsVersion,
  type FixtureLeaf,
  type ResolvedConfig,
} from './config.js';
export {
  DH_GENERATOR,
  DH_PRIMES,
  DH_PRIME_512_HEX,
  FFDHE_2048_HEX,
  MODP_1024_HEX,
  dhPrimeBytes,
  type DhPrimeName,
} from './dh-primes.js';
export { answerHello, chooseGroup, chooseSuite, type HelloAnswer, type HelloView } from './responder.js';
export type { ConnectionEvent } from './connection.js';
export {
  MODERN_SUITES,
  SUITES,
  ccsServer,
  clientPreferenceServer,
  compressionServer,
  exportServer,
  heartbeatServer,
  heartbleedServer,
  intolerantServer,
  modernServer,
  noSecureRenegotiationServer,
  rc4OnlyServer,
  sslv2NoCiphersServer,
  sslv2Server,
  sslv3Rc4Server,
  ticketServer,
  ticketbleedServer,
  weakDhServer,
} from './presets.js';
