/** Handshake simulation against reference clients (SSL Labs `sims`). */
export { REFERENCE_CLIENTS, type ClientProfile } from './clients.js';
export {
  ecRsaEquivalent,
  keyAlgorithmForSuite,
  simulateHandshakes,
  type ServerCertificate,
  type ServerProfile,
  type SimClient,
  type Simulation,
} from './simulate.js';
