import { isIP } from 'node:net';
import { REVOCATION_REASONS, type RevocationReason, type SignatureHash } from '../../core/ca/types.js';
import { CertgridError, missing } from '../../core/errors.js';
import { SHA1_REFUSED } from './errors.js';

/**
 * Reading Grid API parameters: form fields (or a JSON object) and the query string, as strings.
 *
 * A reader collects every problem of a request as a CertgridError (mapped to Grid codes by the
 * one table in errors.ts) so a client gets all of them in one response, as the spec's example
 * shows. Required readers return a placeholder when the value is missing: the action's core call
 * never runs once an error was collected, so the placeholder is never used.
 */

/** Parameter name → every value sent for it, in order (query first, then body). */
export type RawParams = ReadonlyMap<string, readonly string[]>;

/** `sans[]=a&sans[1]=b` (PHP http_build_query of an array) → `sans`. */
const ARRAY_KEY = /^([^[\]]+)\[[^[\]]*\]$/;

/**
 * Gathers parameters from any number of sources, later ones winning for single values:
 * objects (formbody, querystring, JSON), or a raw string/Buffer read as a form
 * (bodies with a missing or unexpected Content-Type).
 */
export function collectParams(...sources: unknown[]): RawParams {
  const out = new Map<string, string[]>();
  const add = (key: string, value: unknown): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const v of value) add(key, v);
      return;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return;
    const name = ARRAY_KEY.exec(key)?.[1] ?? key;
    const list = out.get(name);
    if (list) list.push(String(value));
    else out.set(name, [String(value)]);
  };
  for (const source of sources) {
    if (typeof source === 'string' || Buffer.isBuffer(source)) {
      for (const [k, v] of new URLSearchParams(source.toString())) add(k, v);
    } else if (typeof source === 'object' && source !== null) {
      for (const [k, v] of Object.entries(source)) add(k, v);
    }
  }
  return out;
}

export type ResponseType = 'json' | 'xml';

/** `response_type`: xml or json (the default); anything else is json, as the spec defaults it. */
export function responseTypeOf(raw: RawParams): ResponseType {
  return lastValue(raw, 'response_type')?.toLowerCase() === 'xml' ? 'xml' : 'json';
}

/** The last non-empty trimmed value sent for `name` (PHP keeps the last of repeated fields). */
export function lastValue(raw: RawParams, name: string): string | undefined {
  const values = raw.get(name);
  if (values === undefined) return undefined;
  for (let i = values.length - 1; i >= 0; i--) {
    const v = (values[i] as string).trim();
    if (v !== '') return v;
  }
  return undefined;
}

const DIGITS = /^\d+$/;
const INTEGER = /^-?\d+$/;
/** Hex with optional colon separators (`07:C2:ED`) and an optional 0x prefix. */
const SERIAL = /^(?:0x)?[0-9a-f]+(?::[0-9a-f]+)*$/i;
/** YYYY, YYYY-MM or YYYY-MM-DD: "Month and Day are optional". */
const DATE = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/;
const HASHES: readonly SignatureHash[] = ['sha256', 'sha384', 'sha512'];

export interface RefParams {
  readonly id?: number | undefined;
  readonly serial?: string | undefined;
}

export class ParamReader {
  readonly #raw: RawParams;
  /** Every problem found so far, in parameter order. */
  readonly errors: CertgridError[] = [];

  constructor(raw: RawParams) {
    this.#raw = raw;
  }

  #fail(e: CertgridError): undefined {
    this.errors.push(e);
    return undefined;
  }

  /** Trimmed value of `name`, else of the first alias sent; empty counts as absent. */
  string(name: string, ...aliases: string[]): string | undefined {
    for (const n of [name, ...aliases]) {
      const v = lastValue(this.#raw, n);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  requiredString(name: string, ...aliases: string[]): string {
    const v = this.string(name, ...aliases);
    if (v === undefined) this.#fail(missing(name));
    return v ?? '';
  }

  /** A numeric id: digits only, leading zeros allowed (order ids are sent zero-padded). */
  id(name: string, ...aliases: string[]): number | undefined {
    const v = this.string(name, ...aliases);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!DIGITS.test(v) || !Number.isSafeInteger(n)) {
      return this.#fail(
        new CertgridError(
          'INVALID_CHARS',
          `The ${name} parameter you have posted contains invalid characters`,
          {
            field: name,
          },
        ),
      );
    }
    return n;
  }

  requiredId(name: string, ...aliases: string[]): number {
    const present = this.string(name, ...aliases) !== undefined;
    const n = this.id(name, ...aliases);
    if (!present) this.#fail(missing(name));
    return n ?? 0;
  }

  /** A certificate serial number in hex (colons allowed); passed on trimmed, the core normalises it. */
  serial(): string | undefined {
    const v = this.string('serial');
    if (v === undefined || SERIAL.test(v)) return v;
    return this.#fail(
      new CertgridError('INVALID_CHARS', 'The serial parameter you have posted contains invalid characters', {
        field: 'serial',
      }),
    );
  }

  /**
   * `order_id` (or `client_id`) or `serial`: "Either … is required". Both may be sent; the core
   * decides which wins. Neither → serial_or_order_id_required (also for client_id: the spec has
   * no client flavour of that code).
   */
  ref(idName: 'order_id' | 'client_id', ...aliases: string[]): RefParams {
    const sentId = this.string(idName, ...aliases) !== undefined;
    const id = this.id(idName, ...aliases);
    const sentSerial = this.string('serial') !== undefined;
    const serial = this.serial();
    if (!sentId && !sentSerial) {
      this.#fail(
        new CertgridError(
          'SERIAL_OR_ORDER_ID_REQUIRED',
          `The serial or the ${idName} is required for this action.`,
        ),
      );
    }
    return { id, serial };
  }

  /** `sans`: a comma-delimited list (or repeated `sans[]` fields); absent or empty → undefined. */
  sans(): readonly string[] | undefined {
    const names = (this.#raw.get('sans') ?? []).flatMap((v) => v.split(',')).map((s) => s.trim());
    const list = names.filter((s) => s !== '');
    return list.length === 0 ? undefined : list;
  }

  /** `server_type`: an integer id of appendix A; -1 ("Other") by default. */
  serverType(): number {
    const v = this.string('server_type');
    if (v === undefined) return -1;
    const n = Number(v);
    if (!INTEGER.test(v) || !Number.isSafeInteger(n)) {
      this.#fail(
        new CertgridError(
          'INVALID_CHARS',
          'The server_type parameter you have posted contains invalid characters',
          {
            field: 'server_type',
          },
        ),
      );
      return -1;
    }
    return n;
  }

  /** `validity` in whole years; the core checks the range its configuration allows. */
  validity(): number | undefined {
    return this.id('validity');
  }

  /** `hash`: sha256, sha384 or sha512 (any case, `sha-256` too). SHA-1 is refused by name. */
  hash(): SignatureHash | undefined {
    const v = this.string('hash');
    if (v === undefined) return undefined;
    const h = v.toLowerCase().replace('-', '');
    if ((HASHES as readonly string[]).includes(h)) return h as SignatureHash;
    if (h === 'sha1')
      return this.#fail(new CertgridError('WEAK_SIGNATURE_HASH', SHA1_REFUSED, { field: 'hash' }));
    return this.#fail(invalidValue('hash', `The hash parameter must be one of ${HASHES.join(', ')}.`));
  }

  /** `reason` of a revocation: an RFC 5280 §5.3.1 CRLReason by name (any case) or number. */
  reason(): RevocationReason | undefined {
    const v = this.string('reason');
    if (v === undefined) return undefined;
    const names = Object.keys(REVOCATION_REASONS) as RevocationReason[];
    const hit = names.find(
      (n) => n.toLowerCase() === v.toLowerCase() || (DIGITS.test(v) && REVOCATION_REASONS[n] === Number(v)),
    );
    return (
      hit ?? this.#fail(invalidValue('reason', `The reason parameter must be one of ${names.join(', ')}.`))
    );
  }

  /** A value from a closed set (case-insensitive); anything else is `invalid_value:<name>`. */
  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const hit = values.find((x) => x === v.toLowerCase());
    return (
      hit ?? this.#fail(invalidValue(name, `The ${name} parameter must be one of ${values.join(', ')}.`))
    );
  }

  /** `date_start`: the first instant of the period given (UTC). */
  dateStart(): Date | undefined {
    const p = this.#date('date_start');
    return p && utc(p.year, (p.month ?? 1) - 1, p.day ?? 1);
  }

  /**
   * `date_end` is inclusive of the whole period given (2012-01 means through 2012-01-31), so the
   * core gets the exclusive upper bound: the first instant after that period.
   */
  dateEnd(): Date | undefined {
    const p = this.#date('date_end');
    if (p === undefined) return undefined;
    if (p.month === undefined) return utc(p.year + 1, 0, 1);
    if (p.day === undefined) return utc(p.year, p.month, 1);
    return utc(p.year, p.month - 1, p.day + 1);
  }

  #date(name: string): { year: number; month?: number; day?: number } | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const m = DATE.exec(v);
    const year = Number(m?.[1]);
    const month = m?.[2] === undefined ? undefined : Number(m[2]);
    const day = m?.[3] === undefined ? undefined : Number(m[3]);
    const valid =
      m !== null &&
      year >= 1 &&
      (month === undefined || (month >= 1 && month <= 12)) &&
      (day === undefined || (day >= 1 && day <= utc(year, month as number, 0).getUTCDate()));
    if (!valid) {
      return this.#fail(
        new CertgridError('INVALID_FORMAT', `The ${name} is not in a date format that the API can parse`, {
          field: name,
        }),
      );
    }
    return { year, ...(month === undefined ? {} : { month }), ...(day === undefined ? {} : { day }) };
  }

  /** `ip_address`: an IPv4 or IPv6 address. */
  ipAddress(): string | undefined {
    const v = this.string('ip_address');
    if (v === undefined || isIP(v) !== 0) return v;
    return this.#fail(
      new CertgridError(
        'INVALID_FORMAT',
        'The ip_address parameter was not properly formatted as an ip address',
        {
          field: 'ip_address',
        },
      ),
    );
  }

  /**
   * `csr` (required), passed on as sent: the core's CSR parser also reads PEM whose `+` form decoding
   * turned into spaces (`curl -d "csr=$(cat x.csr)"`), so the adapter does not repair it a second time.
   */
  csr(): string {
    return this.requiredString('csr');
  }
}

/** INVALID_ARGUMENT whose message is the whole description (core's `invalid()` prefixes the field). */
function invalidValue(field: string, description: string): CertgridError {
  return new CertgridError('INVALID_ARGUMENT', description, { field });
}

/** A UTC date; setUTCFullYear keeps years below 100 literal (Date.UTC would add 1900). */
function utc(year: number, monthIndex: number, day: number): Date {
  const d = new Date(0);
  d.setUTCFullYear(year, monthIndex, day);
  return d;
}
