/**
 * CertView enrollment (spec chapter 5): orders placed through the CertView API, approved by the
 * account's approvers and fulfilled by a CA behind a CaConnector (certgrid's own CA first).
 */
import { createBuiltinConnector, type BuiltinConnectorDeps } from './builtin-connector.js';
import {
  changeOrderStatus,
  createOrder,
  pollAwaitingCa,
  resolveCa,
  updateOrder,
  viewOrder,
} from './orders.js';
import { PRODUCTS, type Product } from './products.js';
import type { EvApproverRecord, OrderRecord, OrganizationRecord } from './repository.js';
import type {
  CaReference,
  EnrollmentDeps,
  FixedFields,
  OrderContext,
  OrderInput,
  OrderResult,
  StatusChange,
} from './types.js';

export type { CaConnector, ConnectorIntermediate, ConnectorOrder, ConnectorResult } from './connector.js';
export { ORDER_EVENTS, orderDate, RENEWAL_WINDOW_DAYS } from './orders.js';
export { PRODUCTS, findProduct, type Product } from './products.js';
export * from './repository.js';
export type * from './types.js';
export { createBuiltinConnector, type BuiltinConnectorDeps };

export interface Enrollment {
  createOrder(ctx: OrderContext, input: OrderInput): Promise<OrderResult>;
  updateOrder(ctx: OrderContext, uuid: string, input: OrderInput, fixed?: FixedFields): Promise<OrderResult>;
  changeOrderStatus(
    ctx: OrderContext,
    uuid: string,
    change: { readonly status: StatusChange; readonly comment: string },
  ): Promise<OrderRecord>;
  viewOrder(ctx: OrderContext, uuid: string): Promise<OrderRecord>;
  /** The account's organisations, for orders to the CA `ref` names (140004 / 140005 as for orders). */
  organizations(ctx: OrderContext, ref: CaReference): Promise<OrganizationRecord[]>;
  products(ctx: OrderContext, ref: CaReference): Promise<readonly Product[]>;
  evApprovers(ctx: OrderContext, ref: CaReference): Promise<EvApproverRecord[]>;
  /** Asks the CAs about approved orders not yet issued; a server calls it on a timer. */
  pollAwaitingCa(): Promise<number>;
}

export function createEnrollment(deps: EnrollmentDeps): Enrollment {
  return {
    createOrder: (ctx, input) => createOrder(deps, ctx, input),
    updateOrder: (ctx, uuid, input, fixed) => updateOrder(deps, ctx, uuid, input, fixed),
    changeOrderStatus: (ctx, uuid, change) => changeOrderStatus(deps, ctx, uuid, change),
    viewOrder: (ctx, uuid) => viewOrder(deps, ctx, uuid),
    async organizations(ctx, ref) {
      await resolveCa(deps, ref);
      return deps.repo.listOrganizations(ctx.principal.accountId);
    },
    async products(_ctx, ref) {
      await resolveCa(deps, ref);
      return PRODUCTS;
    },
    async evApprovers(ctx, ref) {
      await resolveCa(deps, ref);
      return deps.repo.listEvApprovers(ctx.principal.accountId);
    },
    pollAwaitingCa: () => pollAwaitingCa(deps),
  };
}
