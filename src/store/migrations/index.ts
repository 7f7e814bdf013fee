import type { Migration, MigrationProvider } from 'kysely';
import { m001Initial } from './001-initial.js';
import { m002RevokeRequests } from './002-revoke-requests.js';
import { m003CertviewAuth } from './003-certview-auth.js';
import { m004Inventory } from './004-inventory.js';
import { m005InventoryFeed } from './005-inventory-feed.js';
import { m006EndpointScans } from './006-endpoint-scans.js';
import { m007ScanJobs } from './007-scan-jobs.js';
import { m008Enrollment } from './008-enrollment.js';
import { m009TrustedRoots } from './009-trusted-roots.js';

/** Forward-only: migrations are never edited once released, only appended. */
export const migrations: Record<string, Migration> = {
  '001-initial': m001Initial,
  '002-revoke-requests': m002RevokeRequests,
  '003-certview-auth': m003CertviewAuth,
  '004-inventory': m004Inventory,
  '005-inventory-feed': m005InventoryFeed,
  '006-endpoint-scans': m006EndpointScans,
  '007-scan-jobs': m007ScanJobs,
  '008-enrollment': m008Enrollment,
  '009-trusted-roots': m009TrustedRoots,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
