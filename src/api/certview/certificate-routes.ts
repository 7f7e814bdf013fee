/**
 * CertView chapter 2: certificate listing (v1 and the structured v2), the assets of one
 * certificate, and certificate import. Registered inside the guarded `/certview` scope, so every
 * handler has an authenticated principal; each reads its parameters, makes one core call and
 * renders.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { principalOf } from './principal.js';
import { CertgridError } from '../../core/errors.js';
import { assertCerthash, type Inventory, type Sighting } from '../../core/inventory/index.js';
import {
  assetV1,
  certificateV1,
  certificateV2,
  V2_INCLUDES,
  V2_KEYS,
  type AssetAttribute,
  type V2Include,
  type V2Key,
} from './certificate-views.js';
import { ASSET_TYPES, bodyObject, filterOf, oneOf, paging, sortKeys, wordList, type Body } from './params.js';

export interface CertificateRoutesDeps {
  readonly inventory: Inventory;
}

// Import changes the inventory; the read-only roles may not.
const IMPORT_ROLES = new Set(['Super User', 'Manager', 'PKI Admin']);

/** Raw certificate uploads: PEM text, DER, PKCS#7. */
const RAW_TYPES = [
  'application/x-pem-file',
  'application/pem-certificate-chain',
  'application/pkix-cert',
  'application/x-x509-ca-cert',
  'application/pkcs7-mime',
  'application/x-pkcs7-certificates',
  'application/octet-stream',
];

export async function registerCertificateRoutes(
  scope: FastifyInstance,
  deps: CertificateRoutesDeps,
): Promise<void> {
  const { inventory } = deps;

  scope.addContentTypeParser(
    RAW_TYPES,
    { parseAs: 'buffer', bodyLimit: 8 * 1024 * 1024 },
    (_req, body, done) => done(null, body),
  );

  const list = async (req: FastifyRequest, body: Body, withAssets = true) => {
    const { pageNumber, pageSize } = paging(body);
    return inventory.listCertificates({
      accountId: principalOf(req).accountId,
      filter: filterOf(body),
      pageNumber,
      pageSize,
      sort: sortKeys(body),
      assetType: oneOf(body, 'assetType', ASSET_TYPES, 'ALL'),
      withAssets,
    });
  };

  scope.post('/v1/certificates', async (req) => {
    const body = bodyObject(req.body);
    const details = oneOf(body, 'certificateDetails', ['basic', 'extended'] as const, 'basic');
    const page = await list(req, body);
    return page.map((item) => certificateV1(item, details));
  });

  scope.post('/v2/certificates', async (req) => {
    const body = bodyObject(req.body);
    const includes = new Set<V2Include>(wordList(body, 'includes', V2_INCLUDES));
    const exclude = new Set<V2Key>(wordList(body, 'excludeFields', V2_KEYS));
    const page = await list(req, body, !exclude.has('assets'));
    return page.map((item) => certificateV2(item, includes, exclude));
  });

  scope.post<{ Params: { certhash: string } }>('/v1/certificates/:certhash/assets', async (req) => {
    const body = bodyObject(req.body);
    const certhash = assertCerthash(req.params.certhash);
    const attributes = wordList(body, 'attributes', [
      'tags',
      'hostInstances',
    ] as const satisfies AssetAttribute[]);
    const { pageNumber, pageSize } = paging(body);
    // New query format only (spec): asset tokens at the top level, `instance:(…)` groups inside.
    const assets = await inventory.listCertificateAssets({
      accountId: principalOf(req).accountId,
      certhash,
      filter: filterOf(body, { groupScopes: [] }),
      pageNumber,
      pageSize,
      sort: sortKeys(body),
    });
    return assets.map((a) => assetV1(a, attributes));
  });

  /**
   * Import (certgrid's own endpoint; the CertView spec has none): a JSON body
   * `{"certificates": "<PEM, or base64 of DER/PKCS#7>", "asset": {"name": …}}`, or the file itself
   * with a certificate content type and `?asset=<name>`.
   */
  scope.post<{ Querystring: { asset?: string } }>('/v1/certificates/import', async (req, reply) => {
    const principal = principalOf(req);
    if (!IMPORT_ROLES.has(principal.role)) {
      throw new CertgridError(
        'PERMISSION_DENIED',
        'Importing certificates needs the Super User, Manager or PKI Admin role.',
      );
    }
    let content: Uint8Array | string;
    let asset: Sighting | undefined;
    if (Buffer.isBuffer(req.body)) {
      content = req.body;
      asset = assetOf(req.query.asset === undefined ? undefined : { name: req.query.asset });
    } else {
      const body = bodyObject(req.body);
      if (typeof body.certificates !== 'string' || body.certificates.trim() === '') {
        throw new CertgridError('MISSING_ARGUMENT', 'certificates', { field: 'certificates' });
      }
      content = body.certificates;
      asset = assetOf(body.asset);
    }
    const result = await inventory.importCertificates({ accountId: principal.accountId, content, asset });
    return reply.status(200).send({
      imported: result.certificates.length,
      added: result.added,
      certificates: result.certificates.map((c) => ({ certhash: c.certhash, added: c.inserted })),
    });
  });
}

function assetOf(v: unknown): Sighting | undefined {
  if (v === undefined || v === null) return undefined;
  const o =
    typeof v === 'string' ? { name: v } : typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  const text = (k: string): string | undefined => {
    const x = o?.[k];
    if (x === undefined || x === null) return undefined;
    if (typeof x !== 'string' || x.length > 255) {
      throw new CertgridError('INVALID_ARGUMENT', 'must be text of at most 255 characters', {
        field: `asset.${k}`,
      });
    }
    return x.trim();
  };
  const name = text('name');
  if (name === undefined || name === '') {
    throw new CertgridError('MISSING_ARGUMENT', 'asset.name', { field: 'asset.name' });
  }
  const tags = o?.tags;
  if (
    tags !== undefined &&
    (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string' && t.length <= 255))
  ) {
    throw new CertgridError('INVALID_ARGUMENT', 'must be a list of tag names', { field: 'asset.tags' });
  }
  return {
    assetName: name,
    address: text('address'),
    hostname: text('hostname'),
    operatingSystem: text('operatingSystem'),
    netbiosName: text('netbiosName'),
    tags: tags as string[] | undefined,
    // An asset named only by an import is not one certgrid manages (assetType UNMANAGED).
    managed: false,
  };
}
