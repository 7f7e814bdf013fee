import { describe, expect, it } from 'vitest';
import { toGridError } from '../../../src/api/grid/errors.js';
import { collectParams, ParamReader, responseTypeOf } from '../../../src/api/grid/params.js';

const reader = (fields: Record<string, string | string[]>) => new ParamReader(collectParams(fields));
const codes = (p: ParamReader) => p.errors.map((e) => toGridError(e).error.code);

describe('collecting parameters', () => {
  it('reads form objects, raw form strings, buffers and JSON values; later sources win', () => {
    const raw = collectParams({ a: 'q', n: 1 }, 'a=b+c&sans[]=x&sans[1]=y', Buffer.from('t=1'), {
      j: true,
      o: { nested: 1 },
      z: null,
    });
    expect(raw.get('a')).toEqual(['q', 'b c']);
    expect(raw.get('sans')).toEqual(['x', 'y']);
    expect(raw.get('n')).toEqual(['1']);
    expect(raw.get('t')).toEqual(['1']);
    expect(raw.get('j')).toEqual(['true']);
    expect(raw.has('o')).toBe(false);
    expect(raw.has('z')).toBe(false);
    expect(new ParamReader(raw).string('a')).toBe('b c');
  });

  it('response_type is xml or json (the default, also for anything else)', () => {
    expect(responseTypeOf(collectParams({ response_type: 'xml' }))).toBe('xml');
    expect(responseTypeOf(collectParams({ response_type: ' XML ' }))).toBe('xml');
    expect(responseTypeOf(collectParams({ response_type: 'yaml' }))).toBe('json');
    expect(responseTypeOf(collectParams({}))).toBe('json');
  });
});

describe('ParamReader', () => {
  it('trims, treats empty as absent, and follows aliases (comment → comments, id → order_id)', () => {
    const p = reader({ comment: '  hi  ', blank: '   ', id: '0042' });
    expect(p.string('comments', 'comment')).toBe('hi');
    expect(p.string('blank')).toBeUndefined();
    expect(p.ref('order_id', 'id')).toEqual({ id: 42, serial: undefined });
    expect(p.errors).toEqual([]);
    expect(reader({ comments: 'a', comment: 'b' }).string('comments', 'comment')).toBe('a');
  });

  it('required parameters → required_param:<name> (comments → required_param:note), all collected', () => {
    const p = reader({});
    expect(p.requiredString('common_name')).toBe('');
    p.csr();
    p.requiredString('comments', 'comment');
    p.requiredId('request_id');
    p.requiredString('full_name');
    p.requiredString('email');
    expect(codes(p)).toEqual([
      'required_param:common_name',
      'required_param:csr',
      'required_param:note',
      'required_param:request_id',
      'required_param:full_name',
      'required_param:email',
    ]);
  });

  it('numeric ids are digits only, leading zeros allowed', () => {
    const p = reader({ order_id: '00276176', request_id: '12a', client_id: '-1', event_user_id: '1.5' });
    expect(p.id('order_id')).toBe(276176);
    expect(p.id('request_id')).toBeUndefined();
    expect(p.id('client_id')).toBeUndefined();
    expect(p.id('event_user_id')).toBeUndefined();
    expect(reader({ order_id: 'x1' }).ref('order_id', 'id')).toEqual({ id: undefined, serial: undefined });
    expect(codes(p)).toEqual([
      'invalid_chars:request_id',
      'invalid_chars:client_id',
      'invalid_chars:event_user_id',
    ]);
    const q = reader({ order_id: '99999999999999999999' });
    q.id('order_id');
    expect(codes(q)).toEqual(['invalid_chars:order_id']);
  });

  it('order_id or serial: neither → serial_or_order_id_required; a bad serial → invalid_chars:serial', () => {
    const none = reader({});
    none.ref('order_id', 'id');
    expect(codes(none)).toEqual(['serial_or_order_id_required']);
    const client = reader({});
    client.ref('client_id');
    expect(codes(client)).toEqual(['serial_or_order_id_required']);
    expect(reader({ serial: '07:c2:ED' }).ref('order_id')).toEqual({ id: undefined, serial: '07:c2:ED' });
    expect(reader({ serial: '0x07c2' }).serial()).toBe('0x07c2');
    const bad = reader({ serial: 'zz' });
    bad.ref('order_id');
    expect(codes(bad)).toEqual(['invalid_chars:serial']);
  });

  it('sans: comma-delimited, trimmed, empties dropped; absent or empty → undefined', () => {
    expect(reader({ sans: ' a.example.com, ,b.example.com,' }).sans()).toEqual([
      'a.example.com',
      'b.example.com',
    ]);
    expect(reader({ 'sans[]': ['a', 'b,c'] }).sans()).toEqual(['a', 'b', 'c']);
    expect(reader({ sans: ' , ' }).sans()).toBeUndefined();
    expect(reader({}).sans()).toBeUndefined();
  });

  it('server_type is an integer, -1 by default', () => {
    expect(reader({}).serverType()).toBe(-1);
    expect(reader({ server_type: '2' }).serverType()).toBe(2);
    expect(reader({ server_type: '-1' }).serverType()).toBe(-1);
    const p = reader({ server_type: 'apache' });
    expect(p.serverType()).toBe(-1);
    expect(codes(p)).toEqual(['invalid_chars:server_type']);
  });

  it('validity in years and hash; SHA-1 is refused with a clear message', () => {
    expect(reader({ validity: '2' }).validity()).toBe(2);
    expect(reader({ hash: 'SHA-384' }).hash()).toBe('sha384');
    expect(reader({ hash: 'sha512' }).hash()).toBe('sha512');
    const p = reader({ hash: 'sha1', validity: 'two' });
    expect(p.hash()).toBeUndefined();
    p.validity();
    expect(p.errors.map((e) => toGridError(e).error)).toEqual([
      { code: 'invalid_value:hash', description: 'SHA-1 signatures are no longer accepted; use sha256.' },
      {
        code: 'invalid_chars:validity',
        description: 'The validity parameter you have posted contains invalid characters',
      },
    ]);
    const md5 = reader({ hash: 'md5' });
    md5.hash();
    expect(md5.errors.map((e) => toGridError(e).error)).toEqual([
      {
        code: 'invalid_value:hash',
        description: 'The hash parameter must be one of sha256, sha384, sha512.',
      },
    ]);
  });

  it('revocation reason by RFC 5280 name or number', () => {
    expect(reader({ reason: 'keycompromise' }).reason()).toBe('keyCompromise');
    expect(reader({ reason: '4' }).reason()).toBe('superseded');
    const p = reader({ reason: '7' });
    expect(p.reason()).toBeUndefined();
    expect(codes(p)).toEqual(['invalid_value:reason']);
  });

  it('date_start is the first instant of the period, date_end the first instant after it (UTC)', () => {
    const d = (s: string, e: string) => {
      const p = reader({ date_start: s, date_end: e });
      return [p.dateStart()?.toISOString(), p.dateEnd()?.toISOString()];
    };
    expect(d('2012', '2012')).toEqual(['2012-01-01T00:00:00.000Z', '2013-01-01T00:00:00.000Z']);
    expect(d('2012-01', '2012-01')).toEqual(['2012-01-01T00:00:00.000Z', '2012-02-01T00:00:00.000Z']);
    expect(d('2012-12', '2012-12')).toEqual(['2012-12-01T00:00:00.000Z', '2013-01-01T00:00:00.000Z']);
    expect(d('2012-02-29', '2012-02-29')).toEqual(['2012-02-29T00:00:00.000Z', '2012-03-01T00:00:00.000Z']);
    expect(d('0050-1-9', '0050-01-09')).toEqual(['0050-01-09T00:00:00.000Z', '0050-01-10T00:00:00.000Z']);
  });

  it('bad dates → invalid_format:date_start / invalid_format:date_end', () => {
    for (const bad of [
      '2012-13',
      '2011-02-29',
      '12-01-01',
      '2012/01/01',
      'yesterday',
      '2012-01-32',
      '0000',
    ]) {
      const p = reader({ date_start: bad, date_end: bad });
      expect(p.dateStart()).toBeUndefined();
      expect(p.dateEnd()).toBeUndefined();
      expect(codes(p)).toEqual(['invalid_format:date_start', 'invalid_format:date_end']);
    }
    const p = reader({ date_end: 'x' });
    p.dateEnd();
    expect(p.errors.map((e) => toGridError(e).error.description)).toEqual([
      'The end_start is not in a date format that the API can parse',
    ]);
  });

  it('status, origin and ip_address filters', () => {
    const ok = reader({ status: 'Failed', origin: 'UI', ip_address: '2001:db8::1' });
    expect(ok.oneOf('status', ['successful', 'failed'])).toBe('failed');
    expect(ok.oneOf('origin', ['api', 'ui'])).toBe('ui');
    expect(ok.ipAddress()).toBe('2001:db8::1');
    expect(reader({ ip_address: '64.78.193.228' }).ipAddress()).toBe('64.78.193.228');
    const bad = reader({ status: 'ok', origin: 'cli', ip_address: '300.1.1.1' });
    bad.oneOf('status', ['successful', 'failed']);
    bad.oneOf('origin', ['api', 'ui']);
    bad.ipAddress();
    expect(bad.errors.map((e) => toGridError(e).error)).toEqual([
      {
        code: 'invalid_value:status',
        description: 'The status parameter must be either successful or failed',
      },
      { code: 'invalid_value:origin', description: 'The origin parameter must be either api or ui' },
      {
        code: 'invalid_format:ip_address',
        description: 'The ip_address parameter was not properly formatted as an ip address',
      },
    ]);
  });
});

describe('the csr parameter', () => {
  const pem =
    '-----BEGIN CERTIFICATE REQUEST-----\nMIIB+abc/def\n  AB+CD==\n-----END CERTIFICATE REQUEST-----';

  it('reaches the core as sent, + turned into spaces included (the CSR parser reads that form)', () => {
    const mangled = pem.replace(/\+/g, ' ');
    expect(reader({ csr: mangled }).csr()).toBe(mangled);
  });

  it('leaves correct PEM (and non-PEM text) alone, and is required', () => {
    expect(reader({ csr: pem }).csr()).toBe(pem);
    expect(reader({ csr: 'not a csr' }).csr()).toBe('not a csr');
    const indented = '-----BEGIN X-----\n  AAAA\n  BBBB\n-----END X-----';
    expect(reader({ csr: indented }).csr()).toBe(indented);
    const r = reader({});
    r.csr();
    expect(r.errors.map((e) => e.field)).toEqual(['csr']);
  });
});
