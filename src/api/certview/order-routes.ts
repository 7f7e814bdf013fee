/**
 * CertView chapter 5: enrollment and renewal orders and the catalogue they draw on, served under both
 * path forms (the spec names `/certview/rest/public/v1/certificates/enrollment/digicert/…`, its curl
 * samples call `/certview/v1/certificates/digicert/…`). Registered inside the guarded `/certview`
 * scope; each handler reads its parameters (order-params.ts), makes one core call and renders.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  orderDate,
  type Enrollment,
  type EvApproverRecord,
  type OrderContext,
  type OrderRecord,
  type OrganizationRecord,
  type Product,
} from '../../core/enrollment/index.js';
import { catalogQuery, orderInput, statusChange } from './order-params.js';
import { principalOf } from './principal.js';

export interface OrderRoutesDeps {
  readonly enrollment: Enrollment;
}

/** Both prefixes, relative to `/certview`. */
export const ENROLLMENT_PREFIXES = [
  '/rest/public/v1/certificates/enrollment/digicert',
  '/v1/certificates/digicert',
] as const;

function contextOf(request: FastifyRequest): OrderContext {
  const p = principalOf(request);
  return {
    principal: { accountId: p.accountId, userId: p.userId, username: p.username, role: p.role },
    ip: request.ip,
  };
}

/** An order as the spec's samples show it; `privateKey` only in the answer that generated it. */
export function orderView(o: OrderRecord, privateKeyPem: string | null = null) {
  return {
    uuid: o.uuid,
    intermediateCA: { name: o.intermediateName, certhash: o.intermediateCerthash },
    approverUserNames: o.approverUserNames,
    requesterUserName: o.requesterUserName,
    certificate: {
      commonName: o.commonName,
      organizationUnits: o.organizationUnits,
      signatureHash: o.signatureHash,
      encodedCSR: o.encodedCsr,
      privateKey: privateKeyPem,
      dnsNames: o.dnsNames,
    },
    renewal:
      o.renewalOfCertificate === null
        ? null
        : { digicertPreviousOrderId: o.previousOrderId, renewalOfCertificate: o.renewalOfCertificate },
    validity: {
      validityYears: o.validityYears,
      validityDays: o.validityDays,
      customExpirationDate: o.customExpirationDate,
    },
    digicertOrganization: { id: o.organizationId },
    digicertProductNameId: o.productNameId,
    digicertEVApproverUserIds: o.evApproverUserIds,
    status: o.status,
    caStatus: o.caStatus,
    created: orderDate(o.created),
    updated: orderDate(o.updated),
  };
}

const organizationView = (o: OrganizationRecord) => ({
  id: o.id,
  status: o.active ? 'active' : 'inactive',
  name: o.name,
  assumedName: o.assumedName,
  displayName: o.assumedName === null ? o.name : `${o.assumedName} (${o.name})`,
  active: o.active,
});

const productView = (p: Product) => ({
  groupName: p.groupName,
  nameId: p.nameId,
  name: p.name,
  type: p.type,
  sslCertificateType: null,
});

const evApproverView = (a: EvApproverRecord) => ({
  userId: String(a.id),
  name: `${a.firstName} ${a.lastName}`.trim(),
  firstName: a.firstName,
  lastName: a.lastName,
});

export async function registerOrderRoutes(scope: FastifyInstance, deps: OrderRoutesDeps): Promise<void> {
  const { enrollment } = deps;
  for (const prefix of ENROLLMENT_PREFIXES) {
    scope.post(`${prefix}/orders`, async (request) => {
      const { input } = orderInput(request.body);
      const { order, privateKeyPem } = await enrollment.createOrder(contextOf(request), input);
      return orderView(order, privateKeyPem);
    });

    scope.put<{ Params: { uuid: string } }>(`${prefix}/orders/:uuid`, async (request) => {
      const { input, fixed } = orderInput(request.body);
      const { order, privateKeyPem } = await enrollment.updateOrder(
        contextOf(request),
        request.params.uuid,
        input,
        fixed,
      );
      // The spec's update sample names the product `digicertProductId`; both keys, so clients of either sample work.
      return { ...orderView(order, privateKeyPem), digicertProductId: order.productNameId };
    });

    scope.put<{ Params: { uuid: string } }>(`${prefix}/orders/:uuid/status`, async (request, reply) => {
      const change = statusChange(request.body);
      await enrollment.changeOrderStatus(contextOf(request), request.params.uuid, change);
      return reply.status(204).send();
    });

    scope.get<{ Params: { uuid: string } }>(`${prefix}/orders/:uuid`, async (request) =>
      orderView(await enrollment.viewOrder(contextOf(request), request.params.uuid)),
    );

    scope.post(`${prefix}/organizations`, async (request) => ({
      organizations: (await enrollment.organizations(contextOf(request), catalogQuery(request.body))).map(
        organizationView,
      ),
    }));

    scope.post(`${prefix}/products`, async (request) => ({
      products: (await enrollment.products(contextOf(request), catalogQuery(request.body))).map(productView),
    }));

    scope.post(`${prefix}/evApprovers`, async (request) => ({
      evApprovers: (await enrollment.evApprovers(contextOf(request), catalogQuery(request.body))).map(
        evApproverView,
      ),
    }));
  }
}
