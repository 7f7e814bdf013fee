import { createHash } from 'node:crypto';
import type { AuditLog } from '../audit/index.js';
import type { CertificateAuthority } from '../ca/authority.js';
import type { ProfileInput, SignatureHash } from '../ca/types.js';
import type { Clock } from '../deps.js';
import { CertgridError } from '../errors.js';
import { withFreshSerial } from '../grid/audited.js';
import type { GridRepository } from '../grid/repository.js';
import type { CaConnector, ConnectorIntermediate, ConnectorOrder, ConnectorResult } from './connector.js';
import type { OrderSignatureHash } from './repository.js';

export interface BuiltinConnectorDeps {
  readonly ca: CertificateAuthority;
  /** Issued certificates are Grid orders: one table feeds the CRL, OCSP, the Grid API and the inventory. */
  readonly orders: Pick<GridRepository, 'insertOrder' | 'findOrder' | 'revokeOrder'>;
  readonly audit: Pick<AuditLog, 'toRecord'>;
  readonly clock: Clock;
}

const HASHES: Readonly<Record<OrderSignatureHash, SignatureHash>> = {
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

const DAY_MS = 86_400_000;

/** The subject's common name from a rendered DN (`O=certgrid, CN=certgrid Issuing CA 1`). */
export function commonNameOf(subject: string): string {
  const m = /(?:^|,\s*)CN=([^,]+)/.exec(subject);
  return m?.[1]?.trim() ?? subject;
}

/**
 * certgrid's own CA as a connector: an approved order is issued at once by the active issuing CA and
 * recorded as a Grid host order, so its serial is unique, the CRL and OCSP responder know it, the Grid
 * API can retrieve and revoke it, and the inventory records it from the orders feed. The CA's order id
 * is that order's number.
 */
export function createBuiltinConnector(deps: BuiltinConnectorDeps): CaConnector {
  return {
    name: 'certgrid',

    async intermediates(): Promise<ConnectorIntermediate[]> {
      const cas = await deps.ca.describe();
      if (cas.length === 0) return [];
      // Only the active issuing CA signs (older intermediates stay for their CRLs).
      const { issuingDer } = await deps.ca.chain().catch((e: unknown) => {
        if (CertgridError.is(e, 'CA_KEY_UNAVAILABLE')) return { issuingDer: null };
        throw e;
      });
      const issuingHash =
        issuingDer === null ? undefined : createHash('sha256').update(issuingDer).digest('hex');
      const intermediates = cas.filter((c) => c.role === 'intermediate');
      // Without the key the active CA is not known; the newest intermediate is the one orders name.
      const active =
        intermediates.find((c) => c.certhash === issuingHash) ?? intermediates[intermediates.length - 1];
      return active === undefined
        ? []
        : [
            {
              caId: active.id,
              name: commonNameOf(active.subject),
              certhash: active.certhash.toLowerCase(),
              serialHex: active.serialHex.toUpperCase(),
              notAfter: active.notAfter,
            },
          ];
    },

    async ready() {
      try {
        return await deps.ca.load();
      } catch (e) {
        if (CertgridError.is(e, 'CA_KEY_UNAVAILABLE')) return false;
        throw e;
      }
    },

    async submit(order: ConnectorOrder): Promise<ConnectorResult> {
      const subject: ProfileInput =
        order.profile === 'grid_host'
          ? {
              profile: 'grid_host',
              commonName: order.commonName,
              dnsNames: order.dnsNames,
              orgUnit: order.organizationUnits[0],
            }
          : {
              profile: 'tls_server',
              commonName: order.commonName,
              dnsNames: order.dnsNames,
              organizationUnits: order.organizationUnits,
              organization: order.organization,
              ev: order.ev,
            };
      const { orderId, cert } = await withFreshSerial(async () => {
        const cert = await deps.ca.issue(subject, order.spkiDer, {
          notBefore: order.notBefore,
          notAfter: order.notAfter,
          hash: HASHES[order.signatureHash],
        });
        const days = Math.round((cert.notAfter.getTime() - cert.notBefore.getTime()) / DAY_MS);
        const orderId = await deps.orders.insertOrder(
          {
            accountId: order.accountId,
            kind: 'host',
            requestId: null,
            caId: cert.caId,
            serialHex: cert.serialHex,
            certhash: cert.certhash,
            certDer: cert.der,
            commonName: order.commonName.toLowerCase(),
            sans: order.dnsNames.filter((d) => d.toLowerCase() !== order.commonName.toLowerCase()),
            serverType: 0,
            orgUnit: order.organizationUnits.join(', '),
            validityYears: Math.max(1, Math.ceil(days / 365)),
            fullName: '',
            email: '',
            notBefore: cert.notBefore,
            notAfter: cert.notAfter,
            requesterUserId: order.requesterUserId,
            createdAt: deps.clock.now(),
          },
          deps.audit.toRecord({
            accountId: order.accountId,
            userId: order.requesterUserId,
            userName: '',
            ip: '',
            status: 'successful',
            event: 'issue certificate',
            message: `Certificate for order ${order.orderUuid} (${order.productNameId}), serial ${cert.serialHex}, names: ${[order.commonName, ...order.dnsNames].join(', ')}`,
            origin: 'api',
          }),
        );
        return { orderId, cert };
      });
      return {
        caOrderId: String(orderId),
        caStatus: 'issued',
        certificate: { certhash: cert.certhash, serialHex: cert.serialHex, der: cert.der },
      };
    },

    async status(accountId, caOrderId) {
      const order = await deps.orders.findOrder(accountId, 'host', { id: Number(caOrderId) });
      if (order === null)
        throw new CertgridError('NOT_FOUND', `No CA order ${caOrderId}.`, { field: 'caOrderId' });
      return {
        caOrderId,
        caStatus: order.status,
        certificate: { certhash: order.certhash, serialHex: order.serialHex, der: order.certDer },
      };
    },

    async revoke(accountId, caOrderId, reason) {
      const order = await deps.orders.findOrder(accountId, 'host', { id: Number(caOrderId) });
      if (order === null)
        throw new CertgridError('NOT_FOUND', `No CA order ${caOrderId}.`, { field: 'caOrderId' });
      await deps.orders.revokeOrder(
        { accountId, orderId: order.id, revokedAt: deps.clock.now(), reason },
        deps.audit.toRecord({
          accountId,
          userId: null,
          userName: '',
          ip: '',
          status: 'successful',
          event: 'revoke certificate',
          message: `Revocation of order ${caOrderId}, serial ${order.serialHex}, reason: ${reason}`,
          origin: 'api',
        }),
      );
      await deps.ca.revocationChanged(order.caId);
    },
  };
}
