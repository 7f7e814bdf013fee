/** Builds a slice of the benchmark dataset off the main thread (see inventory-dataset.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { buildLeaves, type Issuer } from './inventory-dataset.js';

interface Job {
  readonly seed: number;
  readonly start: number;
  readonly end: number;
  readonly issuers: Issuer[];
  readonly leafKeys: Uint8Array[];
}

const job = workerData as Job;
const issuers = job.issuers.map((i) => ({
  ...i,
  nameDer: Buffer.from(i.nameDer),
  keyIdentifier: Buffer.from(i.keyIdentifier),
  certDer: Buffer.from(i.certDer),
}));
const keys = job.leafKeys.map((k) => ({ spkiDer: Buffer.from(k) }));
const STEP = 5000;
for (let s = job.start; s < job.end; s += STEP) {
  parentPort!.postMessage(buildLeaves(job.seed, s, Math.min(job.end, s + STEP), issuers, keys));
}
