/**
 * `npm run bench -- <name> [options]`: benchmarks that print ratios against a baseline measured in the same run.
 * Timing thresholds never live in the test suite; these figures go into docs/performance.md.
 */
import { runInventoryBench } from './inventory.js';
import { runIssuanceBench } from './issuance.js';
import { runScanBench } from './scan.js';

const benches: Record<string, (args: string[]) => Promise<void>> = {
  issuance: runIssuanceBench,
  inventory: runInventoryBench,
  scan: runScanBench,
};

const [name = 'issuance', ...args] = process.argv.slice(2);
const bench = benches[name];
if (bench === undefined) {
  console.error(`unknown benchmark ${name}; available: ${Object.keys(benches).join(', ')}`);
  process.exitCode = 64;
} else {
  await bench(args);
}
