/**
 * Recurring meetings (spec §6.4): validates a series and expands it into occurrence instants.
 *
 * A series is an RFC 5545 RRULE plus a DTSTART given as a wall-clock time in the meeting's IANA time zone, so a
 * weekly 09:00 Europe/Berlin meeting stays at 09:00 local (08:00Z in winter, 07:00Z in summer).
 *
 * rrule-temporal generates the dates, on wall-clock times in a zone without DST (UTC used as "floating" time);
 * each generated wall time is then placed in the real zone the way RFC 5545 §3.3.5 says: a time skipped by a DST
 * change is moved forward by the length of the gap (02:30 → 03:30), a repeated one means its first occurrence.
 * Expanding in the real zone instead would drop the occurrence on the day of the change, and a DTSTART in the gap
 * would move every later occurrence.
 *
 * Occurrence key: the wall time the rule generated, `YYYY-MM-DDTHH:mm:ss` (seconds always written). It identifies
 * an occurrence (like RECURRENCE-ID) and differs from the wall time of its start only inside a DST gap.
 * `recurring_patterns.exceptions` is a JSON array of these keys; `toOccurrenceKey` normalises one.
 */
import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';

/** Cap on COUNT and on what one expansion returns. */
export const MAX_OCCURRENCES = 500;
const MAX_INTERVAL = 365;
const MAX_DURATION_MINUTES = 24 * 60;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** Dates asked of the generator at a time; a series has at most one occurrence a day (no BYHOUR & co.). */
const CHUNK_MS = 92 * DAY_MS;

export type RecurrenceField = 'rrule' | 'dtstart' | 'timezone' | 'durationMinutes' | 'exceptions';
export type RecurrenceErrorCode =
  | 'invalid_rrule'
  | 'unsupported_rrule'
  | 'no_occurrences'
  | 'invalid_dtstart'
  | 'invalid_timezone'
  | 'invalid_duration'
  | 'invalid_occurrence_key';

/** A series the platform refuses; `message` is plain language for the API caller (the route answers 422). */
export class RecurrenceError extends Error {
  override name = 'RecurrenceError';
  constructor(
    readonly code: RecurrenceErrorCode,
    readonly field: RecurrenceField,
    message: string,
  ) {
    super(message);
  }
}

export interface RecurrenceInput {
  /** e.g. `FREQ=WEEKLY;BYDAY=MO,WE`; an `RRULE:` prefix is accepted. */
  rrule: string;
  /** Wall-clock time in `timezone`: `YYYY-MM-DDTHH:mm[:ss]`. */
  dtstart: string;
  timezone: string;
  durationMinutes: number;
}

/** A validated series; store `rrule`, `dtstart`, `timezone` and `durationMinutes` as they are here. */
export interface RecurrenceRule {
  /** Upper-case RRULE value without the `RRULE:` prefix, FREQ first, UNTIL always in UTC (`...Z`). */
  readonly rrule: string;
  /** Occurrence key of the first occurrence (the given dtstart, or the first date the rule produces after it). */
  readonly dtstart: string;
  /** IANA zone name as the platform spells it. */
  readonly timezone: string;
  readonly durationMinutes: number;
  /** COUNT, or null. */
  readonly count: number | null;
  /** UNTIL as an ISO UTC instant (inclusive bound on occurrence starts), or null. */
  readonly until: string | null;
}

export interface Occurrence {
  /** ISO UTC, e.g. 2026-12-01T08:00:00.000Z. */
  start: string;
  /** start + durationMinutes (elapsed time, so a meeting across a DST change still lasts that long). */
  end: string;
  /** The occurrence key: wall time in the series' zone. */
  localStart: string;
}

export interface ExpandOptions {
  /** Occurrences starting at or after this instant… */
  from: Date | string;
  /** …and before this one. */
  to: Date | string;
  /** Occurrence keys to leave out (EXDATEs). */
  exceptions?: readonly string[];
  /** At most this many (capped at MAX_OCCURRENCES, the default). */
  limit?: number;
}

/** Validates a series from the API or from a recurring_patterns row. Throws RecurrenceError. */
export function parseRecurrence(input: RecurrenceInput): RecurrenceRule {
  const timezone = canonicalTimeZone(input.timezone);
  const dtstart = parseLocalDateTime(input.dtstart, 'dtstart', 'invalid_dtstart');
  const durationMinutes = checkedDuration(input.durationMinutes);
  const parts = parseRuleParts(input.rrule);
  checkRuleParts(parts);
  const until = parts.has('UNTIL') ? untilInstant(parts.get('UNTIL') ?? '', timezone) : null;
  if (until !== null) parts.set('UNTIL', basicUtc(until));
  const rrule = [...parts].map(([name, value]) => `${name}=${value}`).join(';');
  const count = parts.has('COUNT') ? Number(parts.get('COUNT')) : null;
  const rule: RecurrenceRule = { rrule, dtstart, timezone, durationMinutes, count, until };
  return { ...rule, dtstart: firstOccurrenceKey(rule) };
}

/** The occurrences of `rule` starting in [from, to), in order, without exceptions, at most `limit`. */
export function expandOccurrences(rule: RecurrenceRule, options: ExpandOptions): Occurrence[] {
  const limit = Math.min(Math.max(Math.floor(options.limit ?? MAX_OCCURRENCES), 0), MAX_OCCURRENCES);
  const from = epochMs(options.from, 'from');
  const until = rule.until === null ? Number.POSITIVE_INFINITY : Date.parse(rule.until) + 1;
  const to = Math.min(epochMs(options.to, 'to'), until);
  const skipped = new Set((options.exceptions ?? []).map(toOccurrenceKey));
  const generator = floatingGenerator(rule);
  // The generator works on wall times; a day either side covers any UTC offset change.
  const lastWall = wallMs(to, rule.timezone) + DAY_MS;
  let cursor = wallMs(from, rule.timezone) - DAY_MS;
  const found: Occurrence[] = [];
  while (found.length < limit && from < to) {
    const next = generator.next(new Date(cursor), true);
    if (next === null || next.epochMilliseconds > lastWall) break;
    const chunkEnd = Math.min(next.epochMilliseconds + CHUNK_MS, lastWall);
    for (const generated of generator.between(new Date(next.epochMilliseconds), new Date(chunkEnd), true)) {
      const occurrence = occurrenceAt(rule, keyOfWallMs(generated.epochMilliseconds));
      const startMs = Date.parse(occurrence.start);
      if (startMs >= to) return found;
      if (startMs < from || skipped.has(occurrence.localStart)) continue;
      found.push(occurrence);
      if (found.length === limit) return found;
    }
    cursor = chunkEnd + 1;
  }
  return found;
}

/**
 * The key of the occurrence of `rule` starting at `start`, or null if none does. Use this rather than reading the
 * wall time of `start`: inside a DST gap they differ (key 02:30, start 03:30).
 */
export function occurrenceKeyAt(rule: RecurrenceRule, start: Date | string): string | null {
  const at = epochMs(start, 'start');
  const [occurrence] = expandOccurrences(rule, { from: new Date(at), to: new Date(at + 1), limit: 1 });
  return occurrence?.localStart ?? null;
}

/** recurring_patterns.until_date: ISO UTC, or null for a series without UNTIL. */
export function untilDateOf(rule: RecurrenceRule): string | null {
  return rule.until;
}

/** recurring_patterns.occurrence_count: COUNT, or null. */
export function occurrenceCountOf(rule: RecurrenceRule): number | null {
  return rule.count;
}

/** The span the cron keeps materialised in meeting_occurrences: from now to `weeksAhead` weeks ahead. */
export function materialisationWindow(now: Date | string, weeksAhead = 4): { from: string; to: string } {
  if (!Number.isFinite(weeksAhead) || weeksAhead <= 0) throw new RangeError('weeksAhead must be a positive number.');
  const start = epochMs(now, 'now');
  return { from: new Date(start).toISOString(), to: new Date(start + weeksAhead * WEEK_MS).toISOString() };
}

/** Normalises a wall time (`YYYY-MM-DDTHH:mm[:ss]`) to an occurrence key; throws RecurrenceError if invalid. */
export function toOccurrenceKey(localDateTime: string): string {
  return parseLocalDateTime(localDateTime, 'exceptions', 'invalid_occurrence_key');
}

/** The instant an occurrence key stands for in `timezone` (RFC 5545 §3.3.5: gap → later, overlap → earlier). */
export function instantOfLocal(key: string, timezone: string): number {
  return Temporal.PlainDateTime.from(key).toZonedDateTime(timezone, { disambiguation: 'compatible' }).epochMilliseconds;
}

function occurrenceAt(rule: RecurrenceRule, key: string): Occurrence {
  const start = instantOfLocal(key, rule.timezone);
  return {
    start: new Date(start).toISOString(),
    end: new Date(start + rule.durationMinutes * 60_000).toISOString(),
    localStart: key,
  };
}

// ——— validation ———

/** A wall time without offset: `YYYY-MM-DDTHH:mm`, seconds optional (fractions only as zeros). */
export const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.0{1,9})?)?$/;

/** Whether `value` is a local date-time as a series takes it, on a day that exists (not 2026-02-30). */
export function isLocalDateTime(value: string): boolean {
  try {
    parseLocalDateTime(value, 'dtstart', 'invalid_dtstart');
    return true;
  } catch {
    return false;
  }
}

function parseLocalDateTime(value: string, field: RecurrenceField, code: RecurrenceErrorCode): string {
  const invalid = () => new RecurrenceError(code, field, `${field} must be a local time such as 2026-12-01T09:00.`);
  if (typeof value !== 'string' || !LOCAL_DATE_TIME.test(value)) throw invalid();
  try {
    // Temporal refuses dates that do not exist (2026-02-30) when parsing a string.
    return Temporal.PlainDateTime.from(value).toString({ smallestUnit: 'second' });
  } catch {
    throw invalid();
  }
}

function canonicalTimeZone(zone: string): string {
  const invalid = () =>
    new RecurrenceError('invalid_timezone', 'timezone', 'Use an IANA time zone such as Europe/Berlin.');
  // Offsets such as +01:00 are valid Temporal zones but not IANA names a calendar TZID can carry.
  if (typeof zone !== 'string' || !/^[A-Za-z]/.test(zone)) throw invalid();
  try {
    return Temporal.Now.zonedDateTimeISO(zone).timeZoneId;
  } catch {
    throw invalid();
  }
}

function checkedDuration(minutes: number): number {
  if (Number.isInteger(minutes) && minutes >= 1 && minutes <= MAX_DURATION_MINUTES) return minutes;
  throw new RecurrenceError('invalid_duration', 'durationMinutes', 'durationMinutes must be whole minutes up to 1440.');
}

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
const SUB_DAILY = ['HOURLY', 'MINUTELY', 'SECONDLY'];
const TIME_OF_DAY_PARTS = ['BYHOUR', 'BYMINUTE', 'BYSECOND'];
const SUPPORTED_PARTS = [
  'FREQ',
  'INTERVAL',
  'COUNT',
  'UNTIL',
  'BYDAY',
  'BYMONTHDAY',
  'BYMONTH',
  'BYYEARDAY',
  'BYWEEKNO',
  'BYSETPOS',
  'WKST',
];

const invalidRule = (message: string) => new RecurrenceError('invalid_rrule', 'rrule', message);
const unsupportedRule = (message: string) => new RecurrenceError('unsupported_rrule', 'rrule', message);

/** NAME=VALUE parts in their order, FREQ first, names and values upper-cased. */
function parseRuleParts(rrule: string): Map<string, string> {
  if (typeof rrule !== 'string') throw invalidRule('Use an iCalendar RRULE such as FREQ=WEEKLY;BYDAY=MO.');
  const body = rrule
    .trim()
    .replace(/^RRULE:/i, '')
    .toUpperCase();
  const parts = new Map<string, string>();
  // A trailing semicolon is common in generated rules; empty parts carry nothing.
  for (const part of body.split(';').filter(Boolean)) {
    const match = /^([A-Z-]+)=([^=]+)$/.exec(part);
    if (!match) throw invalidRule(`"${part}" is not a NAME=VALUE rule part.`);
    const [, name = '', value = ''] = match;
    if (parts.has(name)) throw invalidRule(`${name} appears twice.`);
    parts.set(name, value);
  }
  const freq = parts.get('FREQ');
  if (freq === undefined) throw invalidRule('The rule needs a FREQ, e.g. FREQ=WEEKLY.');
  parts.delete('FREQ');
  return new Map([['FREQ', freq], ...parts]);
}

function checkRuleParts(parts: Map<string, string>): void {
  const freq = parts.get('FREQ') ?? '';
  if (SUB_DAILY.includes(freq)) throw unsupportedRule(`Meetings repeat at most daily; FREQ=${freq} is not supported.`);
  if (!FREQUENCIES.includes(freq)) throw invalidRule(`FREQ must be one of ${FREQUENCIES.join(', ')}.`);
  for (const name of parts.keys()) {
    if (TIME_OF_DAY_PARTS.includes(name)) {
      throw unsupportedRule(`${name} is not supported: the time of day comes from dtstart.`);
    }
    if (!SUPPORTED_PARTS.includes(name)) throw unsupportedRule(`${name} is not supported in a meeting series.`);
  }
  if (parts.has('COUNT') && parts.has('UNTIL')) throw invalidRule('Give COUNT or UNTIL, not both.');
  checkNumber(parts, 'INTERVAL', 1, MAX_INTERVAL);
  checkNumber(parts, 'COUNT', 1, MAX_OCCURRENCES);
  checkByParts(parts, freq);
}

function checkNumber(parts: Map<string, string>, name: string, min: number, max: number): void {
  const value = parts.get(name);
  if (value === undefined) return;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw invalidRule(`${name} must be a whole number from ${min} to ${max}.`);
  }
}

/** Value ranges and the FREQ each BYxxx part is allowed with (RFC 5545 §3.3.10). */
function checkByParts(parts: Map<string, string>, freq: string): void {
  const yearlyOrMonthly = freq === 'YEARLY' || freq === 'MONTHLY';
  checkByDay(parts.get('BYDAY'), yearlyOrMonthly);
  checkList(parts, 'BYMONTHDAY', 31, freq !== 'WEEKLY');
  checkList(parts, 'BYMONTH', 12, true, false);
  checkList(parts, 'BYYEARDAY', 366, freq === 'YEARLY');
  checkList(parts, 'BYWEEKNO', 53, freq === 'YEARLY');
  checkList(parts, 'BYSETPOS', 366, true);
  if (parts.has('BYSETPOS') && ![...parts.keys()].some((name) => name.startsWith('BY') && name !== 'BYSETPOS')) {
    throw invalidRule('BYSETPOS needs another BY… part to pick from.');
  }
  const wkst = parts.get('WKST');
  if (wkst !== undefined && !WEEKDAYS.includes(wkst)) throw invalidRule(`WKST must be one of ${WEEKDAYS.join(', ')}.`);
}

function checkList(parts: Map<string, string>, name: string, max: number, allowedWithFreq: boolean, signed = true) {
  const value = parts.get(name);
  if (value === undefined) return;
  if (!allowedWithFreq) throw invalidRule(`${name} cannot be used with FREQ=${parts.get('FREQ')}.`);
  for (const item of value.split(',')) {
    const number = /^[+-]?\d{1,3}$/.test(item) ? Number(item) : Number.NaN;
    const inRange = Math.abs(number) >= 1 && Math.abs(number) <= max && (signed || number > 0);
    if (!inRange)
      throw invalidRule(`${name} values must be ${signed ? `1 to ${max} or -${max} to -1` : `1 to ${max}`}.`);
  }
}

function checkByDay(value: string | undefined, ordinalsAllowed: boolean): void {
  if (value === undefined) return;
  for (const item of value.split(',')) {
    const match = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
    if (!match) throw invalidRule(`BYDAY value "${item}" is not a weekday such as MO or 1MO.`);
    const ordinal = match[1] === undefined ? null : Math.abs(Number(match[1]));
    if (ordinal === null) continue;
    if (!ordinalsAllowed) throw invalidRule('Numbered weekdays such as 1MO need FREQ=MONTHLY or FREQ=YEARLY.');
    if (ordinal < 1 || ordinal > 53) throw invalidRule(`BYDAY value "${item}" has an ordinal outside 1 to 53.`);
  }
}

/** UNTIL as an instant: a UTC date-time as is, a local date-time in the zone, a date as the end of that day. */
function untilInstant(value: string, timezone: string): string {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(value);
  const invalid = () => invalidRule('UNTIL must look like 20261231T230000Z or 20261231.');
  if (!match) throw invalid();
  const [, year, month, day, hour = '23', minute = '59', second = '59', utc] = match;
  const wall = `${year}-${month}-${day}T${hour}:${minute}:${second}`;
  try {
    const instant = utc ? Temporal.Instant.from(`${wall}Z`).epochMilliseconds : instantOfLocal(wall, timezone);
    return new Date(instant).toISOString();
  } catch {
    throw invalid();
  }
}

// ——— generation on wall-clock time ———

/** Periods the first-occurrence search may scan: Feb 29 yearly needs 8, impossible rules would take 10,000. */
const FIRST_OCCURRENCE_PERIODS = 1000;

/** The RRULE without UNTIL (checked on real instants instead) generating wall times as if in UTC. */
function floatingGenerator(rule: RecurrenceRule, maxIterations?: number): RRuleTemporal {
  const rrule = rule.rrule
    .split(';')
    .filter((part) => !part.startsWith('UNTIL='))
    .join(';');
  const dtstart = rule.dtstart.replace(/[-:]/g, '');
  return new RRuleTemporal({ rruleString: `DTSTART;TZID=UTC:${dtstart}\nRRULE:${rrule}`, maxIterations });
}

/** The first occurrence on or after dtstart; refuses rules that produce none. */
function firstOccurrenceKey(rule: RecurrenceRule): string {
  let first: number | null;
  try {
    const generator = floatingGenerator(rule, FIRST_OCCURRENCE_PERIODS);
    first = generator.next(new Date(Date.parse(`${rule.dtstart}Z`)), true)?.epochMilliseconds ?? null;
  } catch {
    // rrule-temporal throws when the periods run out without a date, e.g. FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30.
    first = null;
  }
  const noMeetings = (why: string) => new RecurrenceError('no_occurrences', 'rrule', why);
  if (first === null) throw noMeetings('The rule produces no meetings.');
  const key = keyOfWallMs(first);
  if (rule.until !== null && instantOfLocal(key, rule.timezone) > Date.parse(rule.until)) {
    throw noMeetings('UNTIL is before the first meeting.');
  }
  return key;
}

/** Wall time in `timezone` at an instant, as milliseconds of the same wall time read as UTC. */
function wallMs(epoch: number, timezone: string): number {
  const offsetNs = Temporal.Instant.fromEpochMilliseconds(epoch).toZonedDateTimeISO(timezone).offsetNanoseconds;
  return epoch + offsetNs / 1_000_000;
}

function keyOfWallMs(wall: number): string {
  return new Date(wall).toISOString().slice(0, 19);
}

function epochMs(value: Date | string, name: string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`${name} is not a valid instant.`);
  return ms;
}

function basicUtc(iso: string): string {
  return `${iso.slice(0, 19).replace(/[-:]/g, '')}Z`;
}
