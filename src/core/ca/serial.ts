/**
 * Certificate serial numbers (RFC 5280 §4.1.2.2; CA/B Forum BR §7.1).
 */
import type { Random } from '../deps.js';
import { invalid } from '../errors.js';

/** Serial size in octets: 128 bits from the CSPRNG, far above the BR's 64-bit minimum. */
export const SERIAL_OCTETS = 16;

/**
 * A fresh serial as uppercase hex: 16 CSPRNG octets with the top bit cleared (so the DER
 * INTEGER is positive and needs no 0x00 pad), never zero and with no leading zero octet
 * (a zero first octet becomes 0x01), so always exactly 16 octets and ≥ 126 bits of entropy.
 */
export function newSerialHex(random: Random): string {
  const b = random.bytes(SERIAL_OCTETS);
  if (b.length !== SERIAL_OCTETS) throw new TypeError('newSerialHex: random source returned too few bytes');
  const bytes = Buffer.from(b);
  bytes[0] = (bytes[0] as number) & 0x7f || 0x01;
  return bytes.toString('hex').toUpperCase();
}

/**
 * Canonical form for lookups: strips `0x`, colons, spaces and other whitespace, uppercases,
 * pads to whole octets and drops leading zero octets ("00:8F:1A" → "8F1A"; zero → "00").
 * @throws CertgridError('INVALID_ARGUMENT') for anything that is not hex.
 */
export function normalizeSerialHex(input: string): string {
  let s = input.trim().replace(/^0x/i, '').replace(/[\s:]/g, '').toUpperCase();
  if (s.length === 0 || !/^[0-9A-F]+$/.test(s)) throw invalid('serial', 'not a hexadecimal serial number');
  if (s.length % 2) s = `0${s}`;
  let i = 0;
  while (i < s.length - 2 && s.startsWith('00', i)) i += 2;
  return s.slice(i);
}
