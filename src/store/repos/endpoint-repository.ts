import type { Kysely, Selectable } from 'kysely';
import type { EndpointRecord, EndpointRepository } from '../../core/analysis/repository.js';
import type { Database, EndpointScansTable } from '../schema.js';

const toRecord = (row: Selectable<EndpointScansTable>): EndpointRecord => ({
  accountId: Number(row.account_id),
  ip: row.ip,
  port: row.port,
  protocol: row.protocol,
  fqdn: row.fqdn,
  service: row.service,
  serverName: row.server_name,
  grade: row.grade,
  gradeTrustIgnored: row.grade_trust_ignored,
  hasWarnings: row.has_warnings === 1,
  isExceptional: row.is_exceptional === 1,
  statusMessage: row.status_message,
  details: JSON.parse(row.details) as unknown,
  lastFound: Number(row.last_found),
});

export function createEndpointRepository(db: Kysely<Database>): EndpointRepository {
  return {
    async saveEndpoint(r) {
      const values = {
        service: r.service,
        server_name: r.serverName,
        grade: r.grade,
        grade_trust_ignored: r.gradeTrustIgnored,
        has_warnings: r.hasWarnings ? 1 : 0,
        is_exceptional: r.isExceptional ? 1 : 0,
        status_message: r.statusMessage,
        details: JSON.stringify(r.details),
        last_found: r.lastFound,
      };
      await db
        .insertInto('endpoint_scans')
        .values({
          account_id: r.accountId,
          ip: r.ip,
          port: r.port,
          protocol: r.protocol,
          fqdn: r.fqdn,
          created: r.lastFound,
          ...values,
        })
        .onConflict((oc) => oc.columns(['account_id', 'ip', 'port', 'protocol', 'fqdn']).doUpdateSet(values))
        .execute();
    },

    async listEndpoints(f) {
      let q = db
        .selectFrom('endpoint_scans')
        .selectAll()
        .where('account_id', '=', f.accountId)
        .where('ip', '=', f.ip);
      if (f.port !== undefined) q = q.where('port', '=', f.port);
      if (f.fqdn !== undefined) q = q.where('fqdn', '=', f.fqdn);
      if (f.service !== undefined) q = q.where('service', '=', f.service);
      if (f.protocol !== undefined) q = q.where('protocol', '=', f.protocol);
      const rows = await q.orderBy('port').orderBy('fqdn').orderBy('protocol').execute();
      return rows.map(toRecord);
    },
  };
}
