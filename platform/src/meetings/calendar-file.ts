/**
 * RFC 5545 calendar files (.ics) for a meeting: one VCALENDAR with one VEVENT.
 *
 * - A single meeting is written in UTC (`DTSTART:20261201T080000Z`).
 * - A series is written on wall-clock time (`DTSTART;TZID=Europe/Berlin:20261201T090000`) with its RRULE and
 *   EXDATEs, plus a VTIMEZONE for the zone: clients that do not know the IANA name rely on it.
 * - One occurrence of a series (e.g. to cancel or move just that one) carries the series' UID and a RECURRENCE-ID.
 *
 * Series fields use the occurrence keys of ./recurrence (wall times `YYYY-MM-DDTHH:mm:ss` in the zone).
 */
import { Temporal } from 'temporal-polyfill';
import { instantOfLocal, toOccurrenceKey } from './recurrence';

export interface CalendarFileInput {
  /** Stable across updates of the same meeting; a single occurrence shares the series' UID. */
  uid: string;
  title: string;
  description?: string | null;
  /** Join link: written as URL and LOCATION and appended to the description (not every client shows URL). */
  url: string;
  /** Start and end of the meeting, or of the series' first occurrence, as instants. */
  start: Date | string;
  end: Date | string;
  /** IANA zone of a series or occurrence; not used for a single meeting. */
  timezone?: string;
  /** A series: the RRULE value (see parseRecurrence), with `timezone` and `dtstartLocal`. */
  rrule?: string;
  /** Occurrence key of the series' first occurrence. */
  dtstartLocal?: string;
  /** Occurrence keys of cancelled occurrences of the series. */
  exdates?: readonly string[];
  /** One occurrence of a series: its occurrence key, with `timezone`; `start`/`end` are that occurrence's. */
  recurrenceId?: string;
  organizer?: { name: string; email: string };
  /** Bumped on every change so clients replace their copy. */
  sequence?: number;
  status?: 'CONFIRMED' | 'CANCELLED';
  /** DTSTAMP. */
  now: Date | string;
}

const PRODID = '-//Castio//Castio Meetings//EN';
/** Years checked before a zone's changes are written as two yearly rules (scanning them costs CPU). */
const YEARLY_RULE_CHECK_YEARS = 6;
/** Years of changes written one by one when they do not follow yearly rules. */
const EXPLICIT_TRANSITION_YEARS = 21;
const MAX_LINE_OCTETS = 75;

export function buildCalendarFile(input: CalendarFileInput): string {
  const event = eventTimes(input);
  const url = safeUrl(input.url);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${PRODID}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    ...event.timezoneLines,
    'BEGIN:VEVENT',
    `UID:${escapeText(input.uid)}`,
    `DTSTAMP:${utcStamp(input.now)}`,
    `SEQUENCE:${Math.max(0, Math.floor(input.sequence ?? 0))}`,
    `STATUS:${input.status ?? 'CONFIRMED'}`,
    ...event.timeLines,
    `SUMMARY:${escapeText(input.title)}`,
    `DESCRIPTION:${escapeText(descriptionWithLink(input.description, url))}`,
    `LOCATION:${escapeText(url)}`,
    `URL:${url}`,
    ...organizerLines(input.organizer),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

interface EventTimes {
  timezoneLines: string[];
  timeLines: string[];
}

function eventTimes(input: CalendarFileInput): EventTimes {
  if (input.rrule !== undefined && input.recurrenceId !== undefined) {
    throw new TypeError('A calendar file holds a series or one occurrence, not both.');
  }
  if (input.rrule !== undefined) return seriesLines(input);
  if (input.recurrenceId !== undefined) return occurrenceLines(input);
  return singleLines(input);
}

function singleLines(input: CalendarFileInput): EventTimes {
  return { timezoneLines: [], timeLines: [`DTSTART:${utcStamp(input.start)}`, `DTEND:${utcStamp(input.end)}`] };
}

function seriesLines(input: CalendarFileInput): EventTimes {
  const { timezone, dtstartLocal } = input;
  if (timezone === undefined || dtstartLocal === undefined) {
    throw new TypeError('A recurring calendar file needs timezone and dtstartLocal.');
  }
  checkTimeZoneName(timezone);
  if (!/^(RRULE:)?[A-Z0-9=;,+-]+$/i.test(input.rrule ?? ''))
    throw new TypeError('An RRULE holds only letters, digits and = ; , + -.');
  const first = toOccurrenceKey(dtstartLocal);
  const firstStart = instantOfLocal(first, timezone);
  const endLocal = localKeyAt(firstStart + epochMs(input.end) - epochMs(input.start), timezone);
  const exdates = [...new Set((input.exdates ?? []).map(toOccurrenceKey))].sort();
  const rrule = input.rrule?.replace(/^RRULE:/i, '') ?? '';
  return {
    timezoneLines: vtimezoneLines(timezone, Number(first.slice(0, 4))),
    timeLines: [
      `DTSTART;TZID=${timezone}:${localStamp(first)}`,
      `DTEND;TZID=${timezone}:${localStamp(endLocal)}`,
      `RRULE:${rrule}`,
      ...(exdates.length > 0 ? [`EXDATE;TZID=${timezone}:${exdates.map(localStamp).join(',')}`] : []),
    ],
  };
}

function occurrenceLines(input: CalendarFileInput): EventTimes {
  const { timezone, recurrenceId } = input;
  if (timezone === undefined || recurrenceId === undefined) {
    throw new TypeError('A calendar file for one occurrence needs timezone and recurrenceId.');
  }
  checkTimeZoneName(timezone);
  const key = toOccurrenceKey(recurrenceId);
  return {
    timezoneLines: vtimezoneLines(timezone, Number(key.slice(0, 4))),
    timeLines: [
      `RECURRENCE-ID;TZID=${timezone}:${localStamp(key)}`,
      `DTSTART:${utcStamp(input.start)}`,
      `DTEND:${utcStamp(input.end)}`,
    ],
  };
}

/** The zone goes into TZID parameters: an IANA name (as parseRecurrence returns it), nothing that ends a line. */
function checkTimeZoneName(zone: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_+/-]*$/.test(zone)) throw new TypeError(`${zone} is not an IANA time zone name.`);
}

function descriptionWithLink(description: string | null | undefined, url: string): string {
  const text = description?.trim();
  return text ? `${text}\n\nJoin: ${url}` : `Join: ${url}`;
}

function organizerLines(organizer: CalendarFileInput['organizer']): string[] {
  if (!organizer) return [];
  const email = organizer.email.replace(/[\s"<>\\\x00-\x1f\x7f]/g, '');
  return [`ORGANIZER;CN=${quotedParam(organizer.name)}:mailto:${email}`];
}

// ——— VTIMEZONE ———

interface Transition {
  /** Wall time of the change on the clock before it (what an observance's DTSTART holds). */
  onset: Temporal.PlainDateTime;
  /** UTC offsets before and after, in seconds. */
  offsetFrom: number;
  offsetTo: number;
  epochMs: number;
}

/**
 * VTIMEZONE for `zone`, valid from 1 January of the year before `year`. A zone that changes twice a year by fixed
 * rules (last Sunday of March, second Sunday of March…) in each of YEARLY_RULE_CHECK_YEARS gets two observances with
 * yearly RRULEs, assumed to go on; any other (no DST, irregular dates, a rule change) gets its offset on that
 * 1 January plus every change for EXPLICIT_TRANSITION_YEARS. Offsets come from the runtime's zone data via Temporal.
 */
function vtimezoneLines(zone: string, year: number): string[] {
  const fromYear = year - 1;
  const checked = transitionsBetween(zone, fromYear, fromYear + YEARLY_RULE_CHECK_YEARS - 1);
  const observances = yearlyObservances(zone, checked, YEARLY_RULE_CHECK_YEARS) ?? [
    initialObservance(zone, fromYear),
    ...transitionsBetween(zone, fromYear, fromYear + EXPLICIT_TRANSITION_YEARS - 1).map((change) =>
      observance(zone, change),
    ),
  ];
  return ['BEGIN:VTIMEZONE', `TZID:${zone}`, ...observances.flat(), 'END:VTIMEZONE'];
}

/** Offset changes from 1 January of `fromYear` to the end of `toYear`. */
function transitionsBetween(zone: string, fromYear: number, toYear: number): Transition[] {
  const end = Temporal.ZonedDateTime.from({ year: toYear + 1, month: 1, day: 1, timeZone: zone });
  const found: Transition[] = [];
  let cursor = Temporal.ZonedDateTime.from({ year: fromYear, month: 1, day: 1, timeZone: zone });
  for (;;) {
    const next = cursor.getTimeZoneTransition('next');
    if (next === null || Temporal.ZonedDateTime.compare(next, end) >= 0) return found;
    const offsetFrom = offsetSecondsAt(zone, next.epochMilliseconds - 1);
    const offsetTo = offsetSecondsAt(zone, next.epochMilliseconds);
    if (offsetFrom !== offsetTo) {
      const onset = Temporal.PlainDateTime.from(wallKey(next.epochMilliseconds + offsetFrom * 1000));
      found.push({ onset, offsetFrom, offsetTo, epochMs: next.epochMilliseconds });
    }
    cursor = next;
  }
}

/**
 * Two observances with yearly RRULEs when each of the `years` has exactly two changes and all of them follow one of
 * two "nth weekday of the month at this wall time" rules; otherwise null.
 */
function yearlyObservances(zone: string, transitions: Transition[], years: number): string[][] | null {
  const perYear = new Map<number, number>();
  for (const { onset } of transitions) perYear.set(onset.year, (perYear.get(onset.year) ?? 0) + 1);
  if (perYear.size !== years || [...perYear.values()].some((count) => count !== 2)) return null;
  const firstOfEachRule = new Map<string, Transition>();
  for (const transition of transitions) {
    const signature = `${yearlyRuleOf(transition.onset)} ${transition.onset.toPlainTime()} ${transition.offsetFrom} ${transition.offsetTo}`;
    if (!firstOfEachRule.has(signature)) firstOfEachRule.set(signature, transition);
  }
  if (firstOfEachRule.size !== 2) return null;
  return [...firstOfEachRule.values()].map((first) => observance(zone, first, yearlyRuleOf(first.onset)));
}

/** The yearly RRULE that lands on this date: e.g. last Sunday of March → FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU. */
function yearlyRuleOf(date: Temporal.PlainDateTime): string {
  const weekday = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'][date.dayOfWeek - 1];
  const ordinal = date.day + 7 > date.daysInMonth ? -1 : Math.ceil(date.day / 7);
  return `FREQ=YEARLY;BYMONTH=${date.month};BYDAY=${ordinal}${weekday}`;
}

function observance(zone: string, transition: Transition, rrule?: string): string[] {
  // DAYLIGHT vs STANDARD only labels the observance; clients compute with the offsets.
  const kind = transition.offsetTo > transition.offsetFrom ? 'DAYLIGHT' : 'STANDARD';
  const name = abbreviation(zone, transition.epochMs);
  return [
    `BEGIN:${kind}`,
    `DTSTART:${localStamp(transition.onset.toString({ smallestUnit: 'second' }))}`,
    `TZOFFSETFROM:${formatOffset(transition.offsetFrom)}`,
    `TZOFFSETTO:${formatOffset(transition.offsetTo)}`,
    ...(name === null ? [] : [`TZNAME:${name}`]),
    ...(rrule === undefined ? [] : [`RRULE:${rrule}`]),
    `END:${kind}`,
  ];
}

/** The offset in force on 1 January of `year`, as an observance starting then. */
function initialObservance(zone: string, year: number): string[] {
  const start = Temporal.ZonedDateTime.from({ year, month: 1, day: 1, timeZone: zone });
  const offset = offsetSecondsAt(zone, start.epochMilliseconds);
  const onset = start.toPlainDateTime();
  return observance(zone, { onset, offsetFrom: offset, offsetTo: offset, epochMs: start.epochMilliseconds });
}

function offsetSecondsAt(zone: string, epochMs: number): number {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(zone).offsetNanoseconds / 1e9;
}

/** ±HHMM, or ±HHMMSS for the odd historical offset with seconds. */
function formatOffset(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const hhmm = `${pad(Math.floor(abs / 3600))}${pad(Math.floor((abs % 3600) / 60))}`;
  return `${sign}${hhmm}${abs % 60 === 0 ? '' : pad(abs % 60)}`;
}

/** A short name such as CEST or EDT when the runtime knows one (not a generic "GMT+2"). */
function abbreviation(zone: string, epochMs: number): string | null {
  // en-US knows the American names, en-GB the European ones.
  for (const locale of ['en-US', 'en-GB']) {
    const parts = shortZoneNameFormat(locale, zone).formatToParts(epochMs);
    const name = parts.find((part) => part.type === 'timeZoneName')?.value;
    if (name && /^[A-Z]{2,6}$/.test(name)) return name;
  }
  return null;
}

/** Formatters are costly to build; a Worker isolate keeps these across requests. */
const shortZoneNameFormats = new Map<string, Intl.DateTimeFormat>();

function shortZoneNameFormat(locale: string, zone: string): Intl.DateTimeFormat {
  const key = `${locale} ${zone}`;
  let format = shortZoneNameFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' });
    shortZoneNameFormats.set(key, format);
  }
  return format;
}

// ——— values and lines ———

function epochMs(value: Date | string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`${String(value)} is not a valid instant.`);
  return ms;
}

/** `YYYY-MM-DDTHH:mm:ss` of a millisecond count read as UTC. */
function wallKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** Wall time in `zone` at an instant, as an occurrence key. */
function localKeyAt(ms: number, zone: string): string {
  return wallKey(ms + offsetSecondsAt(zone, ms) * 1000);
}

/** 20261201T080000Z */
function utcStamp(value: Date | string): string {
  return `${localStamp(wallKey(epochMs(value)))}Z`;
}

/** 2026-12-01T09:00:00 → 20261201T090000 */
function localStamp(key: string): string {
  return key.replace(/[-:]/g, '');
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** RFC 5545 §3.3.11 TEXT: backslash, semicolon, comma and newlines escaped; other control characters dropped. */
export function escapeText(value: string): string {
  return value
    .replace(/[\\;,]/g, (char) => `\\${char}`)
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '');
}

/** A parameter value, always quoted; DQUOTE and control characters cannot appear in one. */
function quotedParam(value: string): string {
  return `"${value.replace(/["\x00-\x1f\x7f]/g, '')}"`;
}

/** The URL as the URL parser writes it: no spaces, line breaks or other characters that could break the line. */
function safeUrl(url: string): string {
  return new URL(url).href;
}

/** Splits a content line into 75-octet lines (continuations start with a space), never inside a UTF-8 character. */
export function foldLine(line: string): string {
  const encoder = new TextEncoder();
  const pieces: string[] = [];
  let piece = '';
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    // A continuation's leading space counts towards its 75 octets.
    const room = pieces.length === 0 ? MAX_LINE_OCTETS : MAX_LINE_OCTETS - 1;
    if (octets + size > room) {
      pieces.push(piece);
      piece = '';
      octets = 0;
    }
    piece += char;
    octets += size;
  }
  pieces.push(piece);
  return pieces.join('\r\n ');
}
