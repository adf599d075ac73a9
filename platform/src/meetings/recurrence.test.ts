import { describe, expect, it } from 'vitest';
import {
  expandOccurrences,
  instantOfLocal,
  MAX_OCCURRENCES,
  materialisationWindow,
  occurrenceCountOf,
  occurrenceKeyAt,
  parseRecurrence,
  RecurrenceError,
  type RecurrenceInput,
  toOccurrenceKey,
  untilDateOf,
} from './recurrence';

const series = (rrule: string, dtstart: string, timezone = 'Europe/Berlin', durationMinutes = 60) =>
  parseRecurrence({ rrule, dtstart, timezone, durationMinutes });

const WIDE = { from: '2020-01-01T00:00:00Z', to: '2040-01-01T00:00:00Z' };
const starts = (rule: ReturnType<typeof series>, options: Parameters<typeof expandOccurrences>[1] = WIDE) =>
  expandOccurrences(rule, options).map((occurrence) => occurrence.start);

function refusal(input: Partial<RecurrenceInput>): RecurrenceError {
  try {
    parseRecurrence({
      rrule: 'FREQ=WEEKLY',
      dtstart: '2026-12-01T09:00',
      timezone: 'Europe/Berlin',
      durationMinutes: 60,
      ...input,
    });
  } catch (error) {
    if (error instanceof RecurrenceError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('weekly series keep their wall-clock time across DST changes', () => {
  it('Europe/Berlin in March: 09:00 is 08:00Z before 29 March 2026 and 07:00Z after', () => {
    expect(starts(series('FREQ=WEEKLY;COUNT=4', '2026-03-16T09:00'))).toEqual([
      '2026-03-16T08:00:00.000Z',
      '2026-03-23T08:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-04-06T07:00:00.000Z',
    ]);
  });

  it('Europe/Berlin in October: back to 08:00Z after 25 October 2026', () => {
    expect(starts(series('FREQ=WEEKLY;COUNT=3', '2026-10-19T09:00'))).toEqual([
      '2026-10-19T07:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
      '2026-11-02T08:00:00.000Z',
    ]);
  });

  it('America/New_York changes on 8 March and 1 November 2026, weeks apart from Europe', () => {
    const newYork = series('FREQ=WEEKLY;BYDAY=MO', '2026-03-02T09:00', 'America/New_York');
    expect(starts(newYork, { from: '2026-03-01T00:00:00Z', to: '2026-03-31T00:00:00Z' })).toEqual([
      '2026-03-02T14:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
      '2026-03-16T13:00:00.000Z',
      '2026-03-23T13:00:00.000Z',
      '2026-03-30T13:00:00.000Z',
    ]);
    expect(starts(newYork, { from: '2026-10-20T00:00:00Z', to: '2026-11-10T00:00:00Z' })).toEqual([
      '2026-10-26T13:00:00.000Z',
      '2026-11-02T14:00:00.000Z',
      '2026-11-09T14:00:00.000Z',
    ]);
  });

  it('between the US and EU changes Berlin and New York are five hours apart, not six', () => {
    const week = { from: '2026-03-16T00:00:00Z', to: '2026-03-17T00:00:00Z' };
    expect(starts(series('FREQ=WEEKLY', '2026-03-02T09:00', 'Europe/Berlin'), week)).toEqual([
      '2026-03-16T08:00:00.000Z',
    ]);
    expect(starts(series('FREQ=WEEKLY', '2026-03-02T09:00', 'America/New_York'), week)).toEqual([
      '2026-03-16T13:00:00.000Z',
    ]);
  });

  it('gives end = start + duration in elapsed time and the wall time as key', () => {
    const [first] = expandOccurrences(series('FREQ=WEEKLY', '2026-03-23T23:30', 'Europe/Berlin', 90), WIDE);
    expect(first).toEqual({
      start: '2026-03-23T22:30:00.000Z',
      end: '2026-03-24T00:00:00.000Z',
      localStart: '2026-03-23T23:30:00',
    });
  });
});

describe('rule parts', () => {
  it('daily with COUNT stops after COUNT occurrences', () => {
    const rule = series('FREQ=DAILY;COUNT=5', '2026-12-01T09:00');
    expect(occurrenceCountOf(rule)).toBe(5);
    expect(untilDateOf(rule)).toBeNull();
    expect(starts(rule)).toEqual([
      '2026-12-01T08:00:00.000Z',
      '2026-12-02T08:00:00.000Z',
      '2026-12-03T08:00:00.000Z',
      '2026-12-04T08:00:00.000Z',
      '2026-12-05T08:00:00.000Z',
    ]);
  });

  it('COUNT counts from the first occurrence even when the window starts later', () => {
    const rule = series('FREQ=DAILY;COUNT=10', '2026-12-01T09:00');
    expect(starts(rule, { from: '2026-12-08T00:00:00Z', to: '2026-12-31T00:00:00Z' })).toEqual([
      '2026-12-08T08:00:00.000Z',
      '2026-12-09T08:00:00.000Z',
      '2026-12-10T08:00:00.000Z',
    ]);
  });

  it('monthly on the first Monday', () => {
    expect(starts(series('FREQ=MONTHLY;BYDAY=1MO;COUNT=4', '2026-12-07T10:00'))).toEqual([
      '2026-12-07T09:00:00.000Z',
      '2027-01-04T09:00:00.000Z',
      '2027-02-01T09:00:00.000Z',
      '2027-03-01T09:00:00.000Z',
    ]);
  });

  it('every other week on Tuesday and Thursday', () => {
    expect(starts(series('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=4', '2026-12-01T09:00'))).toEqual([
      '2026-12-01T08:00:00.000Z',
      '2026-12-03T08:00:00.000Z',
      '2026-12-15T08:00:00.000Z',
      '2026-12-17T08:00:00.000Z',
    ]);
  });

  it('UNTIL is an inclusive bound on the start instant', () => {
    const rule = series('FREQ=WEEKLY;UNTIL=20261214T080000Z', '2026-11-30T09:00');
    expect(untilDateOf(rule)).toBe('2026-12-14T08:00:00.000Z');
    expect(occurrenceCountOf(rule)).toBeNull();
    expect(starts(rule)).toEqual(['2026-11-30T08:00:00.000Z', '2026-12-07T08:00:00.000Z', '2026-12-14T08:00:00.000Z']);
  });

  it('a date-only UNTIL means the end of that local day and is stored in UTC', () => {
    const rule = series('FREQ=WEEKLY;UNTIL=20261214', '2026-11-30T09:00');
    expect(rule.rrule).toBe('FREQ=WEEKLY;UNTIL=20261214T225959Z');
    expect(untilDateOf(rule)).toBe('2026-12-14T22:59:59.000Z');
    expect(starts(rule)).toHaveLength(3);
  });

  it('normalises the rule text: prefix, case, FREQ first, trailing semicolon', () => {
    expect(series('rrule:byday=mo,we;freq=weekly;', '2026-12-01T09:00').rrule).toBe('FREQ=WEEKLY;BYDAY=MO,WE');
  });

  it('moves a dtstart the rule does not produce to the first occurrence (so DTSTART is always one)', () => {
    const rule = series('FREQ=WEEKLY;BYDAY=MO;COUNT=2', '2026-12-01T09:00');
    expect(rule.dtstart).toBe('2026-12-07T09:00:00');
    expect(starts(rule)).toEqual(['2026-12-07T08:00:00.000Z', '2026-12-14T08:00:00.000Z']);
  });

  it('keeps seconds and canonicalises the zone name', () => {
    const rule = series('FREQ=DAILY', '2026-12-01T09:00:30', 'europe/berlin');
    expect(rule).toMatchObject({ dtstart: '2026-12-01T09:00:30', timezone: 'Europe/Berlin' });
  });
});

describe('windows, exceptions and limits', () => {
  const weekly = () => series('FREQ=WEEKLY', '2026-11-30T09:00');

  it('returns occurrences starting in [from, to)', () => {
    expect(starts(weekly(), { from: '2026-12-07T08:00:00Z', to: '2026-12-21T08:00:00Z' })).toEqual([
      '2026-12-07T08:00:00.000Z',
      '2026-12-14T08:00:00.000Z',
    ]);
    expect(starts(weekly(), { from: new Date('2026-12-21T08:00:00Z'), to: new Date('2026-12-21T08:00:00Z') })).toEqual(
      [],
    );
  });

  it('skips exceptions given as occurrence keys (seconds optional)', () => {
    const found = expandOccurrences(weekly(), {
      from: '2026-11-30T00:00:00Z',
      to: '2026-12-29T00:00:00Z',
      exceptions: ['2026-12-07T09:00', '2026-12-21T09:00:00', '2026-12-22T09:00:00'],
    });
    expect(found.map((occurrence) => occurrence.localStart)).toEqual([
      '2026-11-30T09:00:00',
      '2026-12-14T09:00:00',
      '2026-12-28T09:00:00',
    ]);
  });

  it('an exception does not shift COUNT (it removes, it does not postpone)', () => {
    const rule = series('FREQ=DAILY;COUNT=3', '2026-12-01T09:00');
    expect(starts(rule, { ...WIDE, exceptions: ['2026-12-02T09:00'] })).toEqual([
      '2026-12-01T08:00:00.000Z',
      '2026-12-03T08:00:00.000Z',
    ]);
  });

  it('never returns more than the limit, nor more than MAX_OCCURRENCES', () => {
    expect(starts(weekly(), { ...WIDE, limit: 3 })).toEqual([
      '2026-11-30T08:00:00.000Z',
      '2026-12-07T08:00:00.000Z',
      '2026-12-14T08:00:00.000Z',
    ]);
    expect(starts(weekly(), { ...WIDE, limit: 0 })).toEqual([]);
    expect(expandOccurrences(series('FREQ=DAILY', '2026-01-01T09:00'), { ...WIDE, limit: 10_000 })).toHaveLength(
      MAX_OCCURRENCES,
    );
  });

  it('a daily series started ten years ago expands a window cheaply, and a sparse one spans a long window', () => {
    const daily = series('FREQ=DAILY', '2016-01-01T09:00');
    expect(starts(daily, { from: '2026-12-01T00:00:00Z', to: '2026-12-04T00:00:00Z' })).toEqual([
      '2026-12-01T08:00:00.000Z',
      '2026-12-02T08:00:00.000Z',
      '2026-12-03T08:00:00.000Z',
    ]);
    const leapDay = series('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', '2026-01-01T09:00');
    expect(leapDay.dtstart).toBe('2028-02-29T09:00:00');
    expect(starts(leapDay, { from: '2026-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' })).toHaveLength(18);
  });

  it('refuses a window bound that is not an instant', () => {
    expect(() => expandOccurrences(weekly(), { from: 'soon', to: '2027-01-01T00:00:00Z' })).toThrow(RangeError);
  });

  it('toOccurrenceKey normalises wall times and refuses others', () => {
    expect(toOccurrenceKey('2026-12-07T09:00')).toBe('2026-12-07T09:00:00');
    for (const bad of [
      '2026-12-07',
      '2026-12-07T09:00Z',
      '2026-12-07T09:00+01:00',
      '2026-02-30T09:00',
      '2026-12-07T24:00',
    ]) {
      expect(() => toOccurrenceKey(bad), bad).toThrow(RecurrenceError);
    }
  });
});

describe('DST gaps and overlaps resolve as RFC 5545 §3.3.5 says', () => {
  it('a time in the spring-forward gap moves forward by the gap; the days around keep 02:30', () => {
    const found = expandOccurrences(series('FREQ=DAILY;COUNT=3', '2026-03-07T02:30', 'America/New_York'), WIDE);
    expect(found).toEqual([
      { start: '2026-03-07T07:30:00.000Z', end: '2026-03-07T08:30:00.000Z', localStart: '2026-03-07T02:30:00' },
      // 02:30 EST does not exist on 8 March: 03:30 EDT (07:30Z), and still counted.
      { start: '2026-03-08T07:30:00.000Z', end: '2026-03-08T08:30:00.000Z', localStart: '2026-03-08T02:30:00' },
      { start: '2026-03-09T06:30:00.000Z', end: '2026-03-09T07:30:00.000Z', localStart: '2026-03-09T02:30:00' },
    ]);
    expect(starts(series('FREQ=WEEKLY;COUNT=2', '2026-03-22T02:30', 'Europe/Berlin'))).toEqual([
      '2026-03-22T01:30:00.000Z',
      '2026-03-29T01:30:00.000Z', // 03:30 CEST
    ]);
  });

  it('a dtstart in the gap does not move the later occurrences', () => {
    const rule = series('FREQ=DAILY;COUNT=2', '2026-03-08T02:30', 'America/New_York');
    expect(rule.dtstart).toBe('2026-03-08T02:30:00');
    expect(starts(rule)).toEqual(['2026-03-08T07:30:00.000Z', '2026-03-09T06:30:00.000Z']);
  });

  it('a time in the fall-back overlap means its first occurrence (still on summer time)', () => {
    expect(starts(series('FREQ=DAILY;COUNT=3', '2026-10-31T01:30', 'America/New_York'))).toEqual([
      '2026-10-31T05:30:00.000Z',
      '2026-11-01T05:30:00.000Z', // 01:30 EDT, not 01:30 EST (06:30Z)
      '2026-11-02T06:30:00.000Z',
    ]);
    expect(starts(series('FREQ=DAILY;COUNT=2', '2026-10-25T02:30', 'Europe/Berlin'))).toEqual([
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-26T01:30:00.000Z',
    ]);
  });

  it('occurrenceKeyAt finds the key from the start, also when the gap moved the start', () => {
    const rule = series('FREQ=DAILY', '2026-03-07T02:30', 'America/New_York');
    expect(occurrenceKeyAt(rule, '2026-03-08T07:30:00.000Z')).toBe('2026-03-08T02:30:00');
    expect(occurrenceKeyAt(rule, new Date('2026-03-09T06:30:00Z'))).toBe('2026-03-09T02:30:00');
    expect(occurrenceKeyAt(rule, '2026-03-09T06:31:00Z')).toBeNull();
  });

  it('instantOfLocal applies the same rule', () => {
    expect(new Date(instantOfLocal('2026-03-29T02:30:00', 'Europe/Berlin')).toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
    expect(new Date(instantOfLocal('2026-10-25T02:30:00', 'Europe/Berlin')).toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });
});

describe('refused series', () => {
  it.each(['HOURLY', 'MINUTELY', 'SECONDLY'])('FREQ=%s (below daily)', (freq) => {
    const error = refusal({ rrule: `FREQ=${freq};COUNT=3` });
    expect(error).toMatchObject({ code: 'unsupported_rrule', field: 'rrule' });
    expect(error.message).toContain('at most daily');
  });

  it.each([
    ['FREQ=DAILY;COUNT=501', 'invalid_rrule', 'COUNT must be a whole number from 1 to 500.'],
    ['FREQ=DAILY;COUNT=0', 'invalid_rrule', 'COUNT must be a whole number from 1 to 500.'],
    ['FREQ=DAILY;COUNT=3;UNTIL=20270101T000000Z', 'invalid_rrule', 'Give COUNT or UNTIL, not both.'],
    ['FREQ=DAILY;BYHOUR=9,17', 'unsupported_rrule', 'BYHOUR is not supported: the time of day comes from dtstart.'],
    ['FREQ=DAILY;RSCALE=HEBREW', 'unsupported_rrule', 'RSCALE is not supported in a meeting series.'],
    ['FREQ=FORTNIGHTLY', 'invalid_rrule', 'FREQ must be one of DAILY, WEEKLY, MONTHLY, YEARLY.'],
    ['BYDAY=MO', 'invalid_rrule', 'The rule needs a FREQ, e.g. FREQ=WEEKLY.'],
    ['FREQ=WEEKLY;FREQ=DAILY', 'invalid_rrule', 'FREQ appears twice.'],
    ['FREQ=WEEKLY;BYDAY', 'invalid_rrule', '"BYDAY" is not a NAME=VALUE rule part.'],
    ['FREQ=WEEKLY;BYDAY=XX', 'invalid_rrule', 'BYDAY value "XX" is not a weekday such as MO or 1MO.'],
    ['FREQ=WEEKLY;BYDAY=1MO', 'invalid_rrule', 'Numbered weekdays such as 1MO need FREQ=MONTHLY or FREQ=YEARLY.'],
    ['FREQ=MONTHLY;BYMONTHDAY=40', 'invalid_rrule', 'BYMONTHDAY values must be 1 to 31 or -31 to -1.'],
    ['FREQ=WEEKLY;BYMONTHDAY=1', 'invalid_rrule', 'BYMONTHDAY cannot be used with FREQ=WEEKLY.'],
    ['FREQ=YEARLY;BYMONTH=13', 'invalid_rrule', 'BYMONTH values must be 1 to 12.'],
    ['FREQ=MONTHLY;BYWEEKNO=3', 'invalid_rrule', 'BYWEEKNO cannot be used with FREQ=MONTHLY.'],
    ['FREQ=MONTHLY;BYSETPOS=1', 'invalid_rrule', 'BYSETPOS needs another BY… part to pick from.'],
    ['FREQ=WEEKLY;INTERVAL=0', 'invalid_rrule', 'INTERVAL must be a whole number from 1 to 365.'],
    ['FREQ=WEEKLY;WKST=XX', 'invalid_rrule', 'WKST must be one of MO, TU, WE, TH, FR, SA, SU.'],
    ['FREQ=WEEKLY;UNTIL=tomorrow', 'invalid_rrule', 'UNTIL must look like 20261231T230000Z or 20261231.'],
    ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', 'no_occurrences', 'The rule produces no meetings.'],
    ['FREQ=WEEKLY;UNTIL=20261101T000000Z', 'no_occurrences', 'UNTIL is before the first meeting.'],
  ])('%s', (rrule, code, message) => {
    expect(refusal({ rrule })).toMatchObject({ code, field: 'rrule', message });
  });

  it('a bad time zone, dtstart or duration', () => {
    for (const timezone of ['Mars/Olympus', '+01:00', '']) {
      expect(refusal({ timezone })).toMatchObject({ code: 'invalid_timezone', field: 'timezone' });
    }
    for (const dtstart of ['2026-12-01', '2026-12-01T09:00Z', '2026-12-01T09:00+01:00', '2026-02-30T09:00', 'soon']) {
      expect(refusal({ dtstart })).toMatchObject({ code: 'invalid_dtstart', field: 'dtstart' });
    }
    for (const durationMinutes of [0, 1.5, 1441, Number.NaN]) {
      expect(refusal({ durationMinutes })).toMatchObject({ code: 'invalid_duration', field: 'durationMinutes' });
    }
  });
});

describe('materialisationWindow', () => {
  it('spans from now to four weeks ahead by default', () => {
    expect(materialisationWindow(new Date('2026-12-01T10:00:00Z'))).toEqual({
      from: '2026-12-01T10:00:00.000Z',
      to: '2026-12-29T10:00:00.000Z',
    });
    expect(materialisationWindow('2026-12-01T10:00:00Z', 1).to).toBe('2026-12-08T10:00:00.000Z');
    expect(() => materialisationWindow('2026-12-01T10:00:00Z', 0)).toThrow(RangeError);
  });
});
