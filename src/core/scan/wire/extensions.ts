/**
 * Hello extensions (RFC 8446 §4.2, RFC 5246 §7.4.1.4): builders for the ones a scanner offers,
 * and readers for their contents. An `Extension` is its type and raw `extension_data`; every
 * builder returns one, so any list — including unknown or deliberately odd ones — can be sent.
 */
import { ByteReader, ByteWriter } from './bytes.js';
import { EXTENSION_TYPE, PSK_KEY_EXCHANGE_MODE } from './constants.js';

export interface Extension {
  readonly type: number;
  readonly data: Uint8Array;
}

/** A (group, key_exchange) pair of the key_share extension, RFC 8446 §4.2.8. */
export interface KeyShareEntry {
  readonly group: number;
  readonly keyExchange: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const T = EXTENSION_TYPE;

const build = (type: number, fill: (w: ByteWriter) => void): Extension => {
  const w = new ByteWriter();
  fill(w);
  return { type, data: w.finish() };
};

const u16List = (w: ByteWriter, prefix: 1 | 2, values: readonly number[]): void => {
  w.prefixed(prefix, () => values.forEach((v) => w.u16(v)));
};

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
const latin1 = (b: Uint8Array): string => {
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  return s;
};

/** Any extension, known or not, with the given `extension_data`. */
export function rawExtension(type: number, data: Uint8Array = EMPTY): Extension {
  if (!Number.isInteger(type) || type < 0 || type > 0xffff)
    throw new RangeError('extension type must be a u16');
  return { type, data };
}

/** server_name with one host_name (RFC 6066 §3). IDNs must be given as A-labels. */
export function serverNameExtension(hostName: string): Extension {
  if (!/^[\x21-\x7e]+$/.test(hostName)) throw new TypeError('host name must be non-empty printable ASCII');
  return build(T.server_name, (w) => w.prefixed(2, () => w.u8(0).vector(2, ascii(hostName))));
}

/** supported_groups (RFC 8422 §5.1.1, RFC 8446 §4.2.7). */
export function supportedGroupsExtension(groups: readonly number[]): Extension {
  return build(T.supported_groups, (w) => u16List(w, 2, groups));
}

/** ec_point_formats (RFC 8422 §5.1.2); default: uncompressed only. */
export function ecPointFormatsExtension(formats: readonly number[] = [0]): Extension {
  return build(T.ec_point_formats, (w) => w.prefixed(1, () => formats.forEach((f) => w.u8(f))));
}

/** signature_algorithms (RFC 5246 §7.4.1.4.1, RFC 8446 §4.2.3). */
export function signatureAlgorithmsExtension(schemes: readonly number[]): Extension {
  return build(T.signature_algorithms, (w) => u16List(w, 2, schemes));
}

/** signature_algorithms_cert (RFC 8446 §4.2.3). */
export function signatureAlgorithmsCertExtension(schemes: readonly number[]): Extension {
  return build(T.signature_algorithms_cert, (w) => u16List(w, 2, schemes));
}

/** supported_versions as a client sends it: a list, most preferred first (RFC 8446 §4.2.1). */
export function supportedVersionsExtension(versions: readonly number[]): Extension {
  return build(T.supported_versions, (w) => u16List(w, 1, versions));
}

/** supported_versions as a server sends it: the selected version. */
export function supportedVersionsServerExtension(version: number): Extension {
  return build(T.supported_versions, (w) => w.u16(version));
}

/** key_share as a client sends it: client_shares (RFC 8446 §4.2.8). See `generateKeyShare` for real keys. */
export function keyShareExtension(shares: readonly KeyShareEntry[]): Extension {
  return build(T.key_share, (w) =>
    w.prefixed(2, () => shares.forEach((s) => w.u16(s.group).vector(2, s.keyExchange))),
  );
}

/** key_share in a ServerHello: server_share. */
export function keyShareServerExtension(share: KeyShareEntry): Extension {
  return build(T.key_share, (w) => w.u16(share.group).vector(2, share.keyExchange));
}

/** key_share in a HelloRetryRequest: selected_group. */
export function keyShareHelloRetryExtension(group: number): Extension {
  return build(T.key_share, (w) => w.u16(group));
}

/** psk_key_exchange_modes (RFC 8446 §4.2.9); default psk_dhe_ke, as TLS 1.3 clients send. */
export function pskKeyExchangeModesExtension(
  modes: readonly number[] = [PSK_KEY_EXCHANGE_MODE.psk_dhe_ke],
): Extension {
  return build(T.psk_key_exchange_modes, (w) => w.prefixed(1, () => modes.forEach((m) => w.u8(m))));
}

/** renegotiation_info (RFC 5746 §3.2); empty renegotiated_connection on an initial handshake. */
export function renegotiationInfoExtension(renegotiatedConnection: Uint8Array = EMPTY): Extension {
  return build(T.renegotiation_info, (w) => w.vector(1, renegotiatedConnection));
}

/** heartbeat with a HeartbeatMode (RFC 6520 §2): 1 peer_allowed_to_send, 2 peer_not_allowed_to_send. */
export function heartbeatExtension(mode: number): Extension {
  return build(T.heartbeat, (w) => w.u8(mode));
}

/** SessionTicket (RFC 5077 §3.2): empty to ask for a ticket, or a ticket to resume. No length prefix. */
export function sessionTicketExtension(ticket: Uint8Array = EMPTY): Extension {
  return { type: T.session_ticket, data: ticket };
}

/** status_request for OCSP with no responder ids and no request extensions (RFC 6066 §8). */
export function statusRequestExtension(): Extension {
  return build(T.status_request, (w) => w.u8(1).u16(0).u16(0));
}

/** signed_certificate_timestamp: empty in a ClientHello (RFC 6962 §3.3.1). */
export function signedCertificateTimestampExtension(): Extension {
  return { type: T.signed_certificate_timestamp, data: EMPTY };
}

/** signed_certificate_timestamp as a server sends it: a SignedCertificateTimestampList (RFC 6962 §3.3). */
export function sctListExtension(scts: readonly Uint8Array[]): Extension {
  return build(T.signed_certificate_timestamp, (w) =>
    w.prefixed(2, () => scts.forEach((s) => w.vector(2, s))),
  );
}

/** application_layer_protocol_negotiation (RFC 7301 §3.1); a server sends exactly one name. */
export function alpnExtension(protocols: readonly string[]): Extension {
  return build(T.application_layer_protocol_negotiation, (w) =>
    w.prefixed(2, () => protocols.forEach((p) => w.vector(1, ascii(p)))),
  );
}

/** extended_master_secret (RFC 7627 §5.1): empty. */
export function extendedMasterSecretExtension(): Extension {
  return { type: T.extended_master_secret, data: EMPTY };
}

/** encrypt_then_mac (RFC 7366 §2): empty. */
export function encryptThenMacExtension(): Extension {
  return { type: T.encrypt_then_mac, data: EMPTY };
}

/** padding (RFC 7685 §3): `length` zero bytes. */
export function paddingExtension(length: number): Extension {
  if (!Number.isInteger(length) || length < 0 || length > 0xffff)
    throw new RangeError('padding length must be a u16');
  return { type: T.padding, data: new Uint8Array(length) };
}

/** cookie (RFC 8446 §4.2.2), sent in a HelloRetryRequest and echoed by the client. */
export function cookieExtension(cookie: Uint8Array): Extension {
  return build(T.cookie, (w) => w.vector(2, cookie));
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** Write `extensions` as the u16-prefixed block of a hello. */
export function writeExtensions(w: ByteWriter, extensions: readonly Extension[]): void {
  w.prefixed(2, () => extensions.forEach((e) => w.u16(e.type).vector(2, e.data)));
}

/** Read the u16-prefixed extension block of a hello; each extension must fit inside it. */
export function readExtensions(r: ByteReader, what: string): Extension[] {
  const block = r.sub(2, 'extensions', `${what} extensions`);
  const out: Extension[] = [];
  while (!block.atEnd()) {
    const type = block.u16('extension_type');
    out.push({ type, data: block.vector(2, `extension ${type} data`) });
  }
  return out;
}

/** The first extension of `type`, if any. */
export function findExtension(extensions: readonly Extension[], type: number): Extension | undefined {
  return extensions.find((e) => e.type === type);
}

const reader = (ext: Extension, name: string): ByteReader => new ByteReader(ext.data, name);

/** Run `fn` over the extension's data and require it to consume every byte. */
function exactly<V>(ext: Extension, name: string, fn: (r: ByteReader) => V): V {
  const r = reader(ext, name);
  const v = fn(r);
  r.end();
  return v;
}

const listOf = <V>(r: ByteReader, item: (r: ByteReader) => V): V[] => {
  const out: V[] = [];
  while (!r.atEnd()) out.push(item(r));
  return out;
};

const nonEmpty = (r: ByteReader, field: string): void => {
  if (r.atEnd()) throw r.error(`${field} is empty`);
};

/** server_name: the host_name entries (other name types are skipped, RFC 6066 §3). */
export function readServerNames(ext: Extension): string[] {
  return exactly(ext, 'server_name', (r) => {
    const list = r.sub(2, 'server_name_list');
    const names: string[] = [];
    while (!list.atEnd()) {
      const type = list.u8('name_type');
      const name = list.vector(2, 'host_name', 1);
      if (type === 0) names.push(latin1(name));
    }
    return names;
  });
}

/** A list of u16 with a 1- or 2-byte length prefix (supported_groups, signature_algorithms, supported_versions). */
export function readU16List(ext: Extension, prefix: 1 | 2, name: string): number[] {
  return exactly(ext, name, (r) => {
    const list = r.sub(prefix, name);
    if (list.remaining % 2 !== 0) throw list.error('odd length for a list of u16');
    return listOf(list, (l) => l.u16('item'));
  });
}

/** A list of u8 with a 1-byte length prefix (ec_point_formats, psk_key_exchange_modes). */
export function readU8List(ext: Extension, name: string): number[] {
  return exactly(ext, name, (r) => listOf(r.sub(1, name), (l) => l.u8('item')));
}

/** A single u16 (supported_versions in a ServerHello, key_share in a HelloRetryRequest). */
export function readU16(ext: Extension, name: string): number {
  return exactly(ext, name, (r) => r.u16(name));
}

/** key_share of a ClientHello: client_shares. */
export function readClientKeyShares(ext: Extension): KeyShareEntry[] {
  return exactly(ext, 'key_share', (r) =>
    listOf(r.sub(2, 'client_shares'), (l) => ({
      group: l.u16('group'),
      keyExchange: l.vector(2, 'key_exchange', 1),
    })),
  );
}

/** key_share of a ServerHello: server_share. */
export function readServerKeyShare(ext: Extension): KeyShareEntry {
  return exactly(ext, 'key_share', (r) => ({
    group: r.u16('group'),
    keyExchange: r.vector(2, 'key_exchange', 1),
  }));
}

/** renegotiation_info: renegotiated_connection (empty on an initial handshake, RFC 5746 §3.2). */
export function readRenegotiationInfo(ext: Extension): Uint8Array {
  return exactly(ext, 'renegotiation_info', (r) => r.vector(1, 'renegotiated_connection'));
}

/** cookie: its opaque value (RFC 8446 §4.2.2). */
export function readCookie(ext: Extension): Uint8Array {
  return exactly(ext, 'cookie', (r) => r.vector(2, 'cookie', 1));
}

/** heartbeat: the HeartbeatMode byte. */
export function readHeartbeatMode(ext: Extension): number {
  return exactly(ext, 'heartbeat', (r) => r.u8('mode'));
}

/** application_layer_protocol_negotiation: the protocol names (RFC 7301 §3.1). */
export function readAlpn(ext: Extension): string[] {
  return exactly(ext, 'application_layer_protocol_negotiation', (r) => {
    const list = r.sub(2, 'protocol_name_list');
    nonEmpty(list, 'protocol_name_list');
    return listOf(list, (l) => latin1(l.vector(1, 'protocol_name', 1)));
  });
}

/** signed_certificate_timestamp of a server: the serialized SCTs (RFC 6962 §3.3). */
export function readSctList(ext: Extension): Uint8Array[] {
  return exactly(ext, 'signed_certificate_timestamp', (r) => {
    const list = r.sub(2, 'sct_list');
    nonEmpty(list, 'sct_list');
    return listOf(list, (l) => l.vector(2, 'serialized_sct', 1));
  });
}

/** An extension whose extension_data must be empty (extended_master_secret, encrypt_then_mac …). */
export function readEmpty(ext: Extension, name: string): true {
  return exactly(ext, name, () => true);
}
