import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  ERROR_ENVELOPE_OF_STATUS,
  ERROR_STATUS,
  ERROR_STATUSES,
  ErrorEnvelopeSchema,
  errorCodesOf,
  isErrorCode,
} from './index';

describe('the error code table', () => {
  it('gives every code a 4xx or 5xx status', () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
    }
  });

  it('has snake_case codes, listed once each in ERROR_CODES', () => {
    expect(ERROR_CODES).toEqual(Object.keys(ERROR_STATUS));
    for (const code of ERROR_CODES) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('partitions the codes by status', () => {
    expect(ERROR_STATUSES).toEqual([...new Set(Object.values(ERROR_STATUS))].sort((a, b) => a - b));
    expect(ERROR_STATUSES.flatMap((status) => errorCodesOf(status)).sort()).toEqual([...ERROR_CODES].sort());
    expect(errorCodesOf(429)).toEqual(['rate_limited', 'capacity_reached']);
  });

  it('knows its codes and nothing else', () => {
    expect(isErrorCode('not_found')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode('no_such_code')).toBe(false);
  });
});

describe('the error envelope', () => {
  const body = (code: string) => ({ error: { code, message: 'Because.' } });

  it('takes the table’s codes, with details or without', () => {
    expect(ErrorEnvelopeSchema.parse(body('slug_taken'))).toEqual(body('slug_taken'));
    const withDetails = {
      error: { code: 'validation_failed', message: 'No.', details: [{ path: 'a', message: 'b' }] },
    };
    expect(ErrorEnvelopeSchema.parse(withDetails)).toEqual(withDetails);
  });

  it('refuses a code that is not in the table', () => {
    expect(ErrorEnvelopeSchema.safeParse(body('no_such_code')).success).toBe(false);
  });

  it('per status, takes exactly that status’s codes', () => {
    for (const status of ERROR_STATUSES) {
      for (const code of ERROR_CODES) {
        expect(ERROR_ENVELOPE_OF_STATUS[status].safeParse(body(code)).success, `${status} ${code}`).toBe(
          ERROR_STATUS[code] === status,
        );
      }
    }
  });
});
