/**
 * CertView chapters 3 and 4: `POST /v1/analyze` (assess a host's TLS endpoints now) and
 * `POST /v1/getEndpointData` (the stored assessments of an address). Registered inside the guarded
 * `/certview` scope; each handler reads its parameters, makes one core call and renders.
 */
import type { FastifyInstance } from 'fastify';
import type { Analysis, EndpointRecord } from '../../core/analysis/index.js';
import { CertgridError } from '../../core/errors.js';
import { atLeastOneOf, invalidParameter, missingParameters } from './errors.js';
import { bodyObject, type Body } from './params.js';
import { principalOf } from './principal.js';

export interface AnalysisRoutesDeps {
  readonly analysis: Analysis;
}

const given = (body: Body, field: string): boolean => body[field] !== undefined && body[field] !== null;

function text(body: Body, field: string): string | undefined {
  if (!given(body, field)) return undefined;
  const v = body[field];
  if (typeof v !== 'string') throw invalidParameter(field, v, 'must be a string');
  return v.trim();
}

function port(value: unknown, field = 'port'): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*\d+\s*$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw invalidParameter(field, value, 'must be a port number 1-65535');
  return n;
}

/** certgrid's extension to analyze: `ports` (list of port numbers) instead of the configured list. */
function ports(body: Body): number[] | undefined {
  if (!given(body, 'ports')) return undefined;
  const v = body.ports;
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [v];
  if (list.length === 0 || list.length > 64)
    throw invalidParameter('ports', JSON.stringify(v), 'must list 1-64 ports');
  return [...new Set(list.map((p) => port(p, 'ports')))];
}

/**
 * getEndpointData's filter rules (spec chapter 4): `ip` is required; `fqdn`, `service` and `protocol`
 * narrow one port, so any of them needs `port`; `service` and `protocol` need `fqdn` (an empty fqdn
 * names the endpoint scanned without SNI, as in the spec's sample); `fqdn` needs `service` or
 * `protocol`. See docs/compatibility.md.
 */
function endpointFilter(body: Body) {
  const ip = text(body, 'ip');
  if (ip === undefined || ip === '') throw missingParameters(['ip']);
  const fqdn = text(body, 'fqdn');
  const service = text(body, 'service');
  const protocol = text(body, 'protocol');
  const narrowed = [fqdn, service, protocol].some((v) => v !== undefined);
  if (narrowed && !given(body, 'port')) throw missingParameters(['port']);
  if ((service !== undefined || protocol !== undefined) && fqdn === undefined)
    throw missingParameters(['fqdn']);
  if (fqdn !== undefined && service === undefined && protocol === undefined)
    throw atLeastOneOf(['service', 'protocol']);
  if (protocol !== undefined && protocol !== '' && !['tcp', 'udp'].includes(protocol.toLowerCase())) {
    throw invalidParameter('protocol', protocol, 'must be tcp or udp');
  }
  return {
    ip,
    port: given(body, 'port') ? port(body.port) : undefined,
    fqdn: fqdn?.toLowerCase(),
    service: service === '' ? undefined : service?.toLowerCase(),
    protocol: protocol === '' ? undefined : protocol?.toLowerCase(),
  };
}

/**
 * An endpoint as getEndpointData answers it. The details are SSL Labs' EndpointDetails; the spec's
 * sample spells one flag `openSSLuckyMinus20`, so both that and SSL Labs' `openSSLLuckyMinus20` are
 * sent (docs/compatibility.md).
 */
function endpointView(r: EndpointRecord) {
  const details = r.details as Record<string, unknown> | null;
  return {
    ipAddress: r.ip,
    port: r.port,
    lastFound: r.lastFound,
    service: r.service,
    grade: r.grade,
    gradeTrustIgnored: r.gradeTrustIgnored,
    hasWarnings: r.hasWarnings,
    isExceptional: r.isExceptional,
    details:
      details !== null && 'openSSLLuckyMinus20' in details
        ? { ...details, openSSLuckyMinus20: details.openSSLLuckyMinus20 }
        : details,
  };
}

export async function registerAnalysisRoutes(
  scope: FastifyInstance,
  deps: AnalysisRoutesDeps,
): Promise<void> {
  const { analysis } = deps;

  scope.post('/v1/analyze', async (req) => {
    const body = bodyObject(req.body);
    const host = text(body, 'host');
    if (host === undefined || host === '') throw missingParameters(['host']);
    try {
      return await analysis.analyze({ accountId: principalOf(req).accountId, host, ports: ports(body) });
    } catch (e) {
      if (CertgridError.is(e, 'INVALID_ARGUMENT') && e.field === 'host')
        throw invalidParameter('host', host, e.message.replace(/^host: /, ''));
      throw e;
    }
  });

  scope.post('/v1/getEndpointData', async (req) => {
    const filter = endpointFilter(bodyObject(req.body));
    const records = await analysis.getEndpointData({ accountId: principalOf(req).accountId, ...filter });
    return records.map(endpointView);
  });
}
