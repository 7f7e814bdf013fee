import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDateTime,
  formatOrderId,
  formatRequestDate,
  formatSerial,
  formatValidity,
} from '../../../src/api/grid/format.js';

describe('Grid wire formats (spec examples)', () => {
  it('request_date is d-M-Y g:i A in UTC, month upper-case, hour without a leading zero', () => {
    expect(formatRequestDate(new Date('2011-01-19T17:05:00Z'))).toBe('19-JAN-2011 5:05 PM');
    expect(formatRequestDate(new Date('2012-01-19T02:18:59Z'))).toBe('19-JAN-2012 2:18 AM');
    expect(formatRequestDate(new Date('2012-03-05T00:07:00Z'))).toBe('05-MAR-2012 12:07 AM');
    expect(formatRequestDate(new Date('2012-12-31T12:00:00Z'))).toBe('31-DEC-2012 12:00 PM');
  });

  it('valid_from / valid_till are d-M-Y', () => {
    expect(formatDate(new Date('2012-01-19T23:59:59Z'))).toBe('19-JAN-2012');
    expect(formatDate(new Date('2013-01-23T00:00:00Z'))).toBe('23-JAN-2013');
  });

  it('log date_time is YYYY-MM-DD HH:MM:SS in UTC', () => {
    expect(formatDateTime(new Date('2012-01-18T17:24:44.999Z'))).toBe('2012-01-18 17:24:44');
    expect(formatDateTime(new Date('2011-11-03T01:08:03Z'))).toBe('2011-11-03 01:08:03');
  });

  it('validity, order ids and serials', () => {
    expect(formatValidity(1)).toBe('1 Year(s)');
    expect(formatValidity(3)).toBe('3 Year(s)');
    expect(formatOrderId(276176)).toBe('00276176');
    expect(formatOrderId(1)).toBe('00000001');
    expect(formatOrderId(123456789)).toBe('123456789');
    expect(formatSerial('07:c2:ed:e4')).toBe('07C2EDE4');
  });
});
