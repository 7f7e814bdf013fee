/**
 * Distinguished names (RFC 5280 §4.1.2.4) as CertView shows them: the subject/issuer object
 * of the List Certview Certificates samples, a Java-style `dn` string, and every attribute
 * for searching.
 */
import { TAG, children, isStringTag, malformed, nodeAt, oidAt, stringAt, type Node } from './der-reader.js';

export interface NameAttribute {
  /** Short name from ATTRIBUTE_NAMES, or the dotted OID for any other attribute type. */
  readonly type: string;
  /** The decoded string; `#` + hex of the DER value for a value that is not a string. */
  readonly value: string;
}

/** A subject or issuer as the CertView samples show it, plus `dn` and `attributes`. */
export interface NameFacts {
  /** CN; with several CNs, the last in DER order (the most specific). "" when absent. */
  readonly name: string;
  readonly organization: string;
  /** Every OU, in certificate order. */
  readonly organizationUnit: readonly string[];
  readonly locality: string;
  readonly state: string;
  readonly country: string;
  /** Java X500Principal-style rendering: most specific RDN first, ", " between RDNs. */
  readonly dn: string;
  /** Every attribute of every RDN, in DER order. */
  readonly attributes: readonly NameAttribute[];
}

/**
 * Short names used in `dn` and `attributes`, following the CertView sample
 * (`serialNumber=…, StateOrProvince=…, CountryName=…, businessCategory=…`). The three
 * jurisdiction attributes are the CA/Browser Forum EV Guidelines §9.2.4 ones.
 */
export const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.6': 'C',
  '2.5.4.9': 'STREET',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '2.5.4.4': 'SURNAME',
  '2.5.4.42': 'GIVENNAME',
  '2.5.4.12': 'T',
  '1.2.840.113549.1.9.1': 'EMAILADDRESS',
  '2.5.4.5': 'serialNumber',
  '2.5.4.15': 'businessCategory',
  '2.5.4.17': 'postalCode',
  '1.3.6.1.4.1.311.60.2.1.1': 'Locality',
  '1.3.6.1.4.1.311.60.2.1.2': 'StateOrProvince',
  '1.3.6.1.4.1.311.60.2.1.3': 'CountryName',
  '2.5.4.97': 'organizationIdentifier',
};

/** One AttributeTypeAndValue as read: kept for comparing names (RFC 5280 §7.1). */
interface Ava {
  readonly oid: string;
  readonly value: string;
  readonly isString: boolean;
}

export interface ParsedName {
  readonly facts: NameFacts;
  /** RDNs in DER order, each its AVAs in DER order. */
  readonly rdns: readonly (readonly Ava[])[];
}

/** Parses a Name (`SEQUENCE OF SET OF AttributeTypeAndValue`) in place. */
export function parseName(buf: Buffer, name: Node, what: string): ParsedName {
  if (name.tag !== TAG.SEQUENCE) throw malformed(`${what} is not a Name`);
  const rdns: Ava[][] = [];
  const attributes: NameAttribute[] = [];
  let cn = '';
  let o = '';
  let l = '';
  let st = '';
  let c = '';
  const ou: string[] = [];
  let p = name.body;
  while (p < name.end) {
    const set = nodeAt(buf, p, name.end, what);
    if (set.tag !== TAG.SET || set.body === set.end) throw malformed(`${what} has a bad RDN`);
    const rdn: Ava[] = [];
    for (const atv of children(buf, set, what)) {
      if (atv.tag !== TAG.SEQUENCE) throw malformed(`${what} has a bad attribute`);
      const typeNode = nodeAt(buf, atv.body, atv.end, what);
      const valueNode = nodeAt(buf, typeNode.end, atv.end, what);
      if (valueNode.end !== atv.end) throw malformed(`${what} has a bad attribute`);
      const oid = oidAt(buf, typeNode, what);
      const isString = isStringTag(valueNode.tag);
      // RFC 4514 §2.4: a value that is not a string is shown as # + hex of its BER encoding.
      const value = isString
        ? stringAt(buf, valueNode, what)
        : `#${buf.toString('hex', valueNode.start, valueNode.end)}`;
      rdn.push({ oid, value, isString });
      attributes.push({ type: ATTRIBUTE_NAMES[oid] ?? oid, value });
      switch (oid) {
        case '2.5.4.3':
          cn = value;
          break;
        case '2.5.4.10':
          o = value;
          break;
        case '2.5.4.11':
          ou.push(value);
          break;
        case '2.5.4.7':
          l = value;
          break;
        case '2.5.4.8':
          st = value;
          break;
        case '2.5.4.6':
          c = value;
          break;
      }
    }
    rdns.push(rdn);
    p = set.end;
  }
  return {
    facts: {
      name: cn,
      organization: o,
      organizationUnit: ou,
      locality: l,
      state: st,
      country: c,
      dn: renderDn(rdns),
      attributes,
    },
    rdns,
  };
}

// RFC 1779 §2.3 specials, plus backslash and line breaks so the quoted form stays unambiguous.
const NEEDS_QUOTES = /[,+=<>#;"\\\r\n]|^\s|\s$/;

function renderValue(ava: Ava): string {
  if (!ava.isString) return ava.value;
  return NEEDS_QUOTES.test(ava.value) ? `"${ava.value.replace(/["\\]/g, '\\$&')}"` : ava.value;
}

/** Most specific RDN first (Java's X500Principal.toString()), AVAs of one RDN joined by " + ". */
function renderDn(rdns: readonly (readonly Ava[])[]): string {
  let out = '';
  for (let i = rdns.length - 1; i >= 0; i--) {
    const rdn = rdns[i] as readonly Ava[];
    if (out) out += ', ';
    for (let j = 0; j < rdn.length; j++) {
      const ava = rdn[j] as Ava;
      if (j > 0) out += ' + ';
      out += `${ATTRIBUTE_NAMES[ava.oid] ?? `OID.${ava.oid}`}=${renderValue(ava)}`;
    }
  }
  return out;
}

/**
 * RFC 5280 §7.1 name matching with the basic normalisation it requires at least: string
 * values compare case-insensitively with leading/trailing white space removed and inner
 * runs folded to one space, whatever their string type; other values compare byte for
 * byte. RDNs compare in order; the AVAs of one RDN as a set.
 */
export function sameName(a: ParsedName, b: ParsedName): boolean {
  if (a.rdns.length !== b.rdns.length) return false;
  for (let i = 0; i < a.rdns.length; i++) {
    const x = (a.rdns[i] as readonly Ava[]).map(normalised).sort();
    const y = (b.rdns[i] as readonly Ava[]).map(normalised).sort();
    if (x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  }
  return true;
}

function normalised(ava: Ava): string {
  if (!ava.isString) return `${ava.oid}=${ava.value}`;
  const v = ava.value.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');
  return `${ava.oid}="${v}`;
}
