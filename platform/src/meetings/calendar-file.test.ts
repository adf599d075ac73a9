import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildCalendarFile, type CalendarFileInput, escapeText, foldLine } from './calendar-file';
import { expandOccurrences, parseRecurrence } from './recurrence';

const NOW = '2026-11-30T12:00:00Z';
const single: CalendarFileInput = {
  uid: 'mtg_01J@castio.example',
  title: 'Quarterly planning',
  url: 'https://castio.example/acme/m/planning',
  start: '2026-12-01T08:00:00.000Z',
  end: '2026-12-01T09:00:00.000Z',
  now: NOW,
};

function seriesFile(timezone: string, rrule: string, dtstart: string, exdates: string[] = []) {
  const rule = parseRecurrence({ rrule, dtstart, timezone, durationMinutes: 45 });
  const [first] = expandOccurrences(rule, { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z', limit: 1 });
  if (!first) throw new Error('series without occurrences');
  const ics = buildCalendarFile({
    ...single,
    start: first.start,
    end: first.end,
    timezone: rule.timezone,
    rrule: rule.rrule,
    dtstartLocal: rule.dtstart,
    exdates,
  });
  return { rule, ics };
}

// ——— a small reader for the tests: unfold, split, unescape ———

const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '');
const contentLines = (ics: string) => unfold(ics).split('\r\n').slice(0, -1);

/** The value of the first property called `name` (after any parameters), or undefined. */
function propertyValue(ics: string, name: string): string | undefined {
  const line = contentLines(ics).find(
    (candidate) => candidate.startsWith(`${name}:`) || candidate.startsWith(`${name};`),
  );
  if (line === undefined) return undefined;
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    if (line[index] === '"') quoted = !quoted;
    if (line[index] === ':' && !quoted) return line.slice(index + 1);
  }
  return undefined;
}

const unescapeText = (value: string) =>
  value.replace(/\\([\\;,nN])/g, (_, char: string) => (char.toLowerCase() === 'n' ? '\n' : char));

describe('a single meeting', () => {
  const ics = buildCalendarFile(single);

  it('is one VCALENDAR with one VEVENT in UTC', () => {
    const lines = contentLines(ics);
    expect(lines.slice(0, 5)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Castio//Castio Meetings//EN',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
    ]);
    expect(lines.at(-1)).toBe('END:VCALENDAR');
    expect(lines.filter((line) => line === 'BEGIN:VEVENT')).toHaveLength(1);
    expect(lines).toContain('DTSTART:20261201T080000Z');
    expect(lines).toContain('DTEND:20261201T090000Z');
    expect(lines).toContain('DTSTAMP:20261130T120000Z');
    expect(lines).toContain('SEQUENCE:0');
    expect(lines).toContain('STATUS:CONFIRMED');
    expect(ics).not.toContain('VTIMEZONE');
    expect(ics).not.toContain('RRULE');
  });

  it('uses CRLF for every line break and ends with one', () => {
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics).not.toMatch(/[^\r]\n|\r[^\n]/);
  });

  it('round-trips its fields through a parser', () => {
    const file = buildCalendarFile({
      ...single,
      description: 'Agenda: budget, hiring; roadmap\nBring numbers.',
      organizer: { name: 'Ada "The Host" Lovelace', email: 'ada@castio.example' },
      sequence: 3,
    });
    expect(propertyValue(file, 'UID')).toBe('mtg_01J@castio.example');
    expect(unescapeText(propertyValue(file, 'SUMMARY') ?? '')).toBe('Quarterly planning');
    expect(unescapeText(propertyValue(file, 'DESCRIPTION') ?? '')).toBe(
      'Agenda: budget, hiring; roadmap\nBring numbers.\n\nJoin: https://castio.example/acme/m/planning',
    );
    expect(propertyValue(file, 'URL')).toBe('https://castio.example/acme/m/planning');
    expect(contentLines(file)).toContain('ORGANIZER;CN="Ada The Host Lovelace":mailto:ada@castio.example');

    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(file)).getFirstSubcomponent('vevent') ?? undefined);
    expect(event.uid).toBe('mtg_01J@castio.example');
    expect(event.summary).toBe('Quarterly planning');
    expect(event.description).toContain('roadmap\nBring numbers.');
    expect(event.sequence).toBe(3);
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2026-12-01T09:00:00.000Z');
  });

  it('writes a cancellation with its sequence', () => {
    const lines = contentLines(buildCalendarFile({ ...single, status: 'CANCELLED', sequence: 2 }));
    expect(lines).toContain('STATUS:CANCELLED');
    expect(lines).toContain('SEQUENCE:2');
  });
});

describe('TEXT escaping and line folding', () => {
  it('escapes backslash, semicolon, comma and newlines', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf\rg')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng');
    const title = 'Plan; budget, Q1 \\ review\nday 2';
    const ics = buildCalendarFile({ ...single, title });
    expect(contentLines(ics)).toContain('SUMMARY:Plan\\; budget\\, Q1 \\\\ review\\nday 2');
    expect(unescapeText(propertyValue(ics, 'SUMMARY') ?? '')).toBe(title);
  });

  it('cannot be used to add properties: line breaks and control characters stay inside the value', () => {
    const ics = buildCalendarFile({
      ...single,
      title: 'Hi\r\nATTENDEE:mailto:evil@example.com\u0007',
      uid: 'x\r\nX-EVIL:1',
    });
    expect(contentLines(ics).some((line) => line.startsWith('ATTENDEE') || line.startsWith('X-EVIL'))).toBe(false);
    expect(propertyValue(ics, 'SUMMARY')).toBe('Hi\\nATTENDEE:mailto:evil@example.com');
  });

  it('folds at 75 octets, continuation lines start with a space, 75 exactly is not folded', () => {
    expect(foldLine(`SUMMARY:${'a'.repeat(67)}`)).toBe(`SUMMARY:${'a'.repeat(67)}`);
    expect(foldLine(`SUMMARY:${'a'.repeat(68)}`)).toBe(`SUMMARY:${'a'.repeat(67)}\r\n a`);
    // '€' is 3 octets: 8 + 66 + 3 = 77, so it moves whole to the next line.
    expect(foldLine(`SUMMARY:${'a'.repeat(66)}€b`)).toBe(`SUMMARY:${'a'.repeat(66)}\r\n €b`);
  });

  it('never splits a multi-byte character and unfolds back to the original text', () => {
    const title = `Überprüfung ${'🎉 Größenänderung 日本語の会議 '.repeat(8)}— fin`;
    const ics = buildCalendarFile({ ...single, title, description: 'ß'.repeat(200) });
    const bytes = new TextEncoder().encode(ics);
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
    let lineStart = 0;
    for (let index = 0; index < bytes.length - 1; index++) {
      if (bytes[index] !== 13 || bytes[index + 1] !== 10) continue;
      const line = bytes.slice(lineStart, index);
      expect(line.length).toBeLessThanOrEqual(75);
      expect(() => decoder.decode(line)).not.toThrow();
      lineStart = index + 2;
    }
    expect(lineStart).toBe(bytes.length);
    expect(ics).toContain('\r\n ');
    expect(ics).not.toContain('\uFFFD');
    expect(unescapeText(propertyValue(ics, 'SUMMARY') ?? '')).toBe(title);
    expect(unescapeText(propertyValue(ics, 'DESCRIPTION') ?? '')).toBe(`${'ß'.repeat(200)}\n\nJoin: ${single.url}`);
  });
});

describe('a recurring series', () => {
  it('is written on wall-clock time with RRULE, EXDATEs in the same zone and a VTIMEZONE', () => {
    const { ics } = seriesFile('Europe/Berlin', 'FREQ=WEEKLY;BYDAY=TU', '2026-12-01T09:00', [
      '2026-12-22T09:00',
      '2026-12-08T09:00:00',
    ]);
    const lines = contentLines(ics);
    expect(lines).toContain('DTSTART;TZID=Europe/Berlin:20261201T090000');
    expect(lines).toContain('DTEND;TZID=Europe/Berlin:20261201T094500');
    expect(lines).toContain('RRULE:FREQ=WEEKLY;BYDAY=TU');
    expect(lines).toContain('EXDATE;TZID=Europe/Berlin:20261208T090000,20261222T090000');
    expect(lines.indexOf('BEGIN:VTIMEZONE')).toBeLessThan(lines.indexOf('BEGIN:VEVENT'));
    expect(lines).toContain('TZID:Europe/Berlin');
    const vtimezone = lines.slice(lines.indexOf('BEGIN:VTIMEZONE'), lines.indexOf('END:VTIMEZONE') + 1).join('\n');
    expect(vtimezone).toContain(
      'BEGIN:DAYLIGHT\nDTSTART:20250330T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nTZNAME:CEST\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\nEND:DAYLIGHT',
    );
    expect(vtimezone).toContain(
      'BEGIN:STANDARD\nDTSTART:20251026T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nTZNAME:CET\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\nEND:STANDARD',
    );
  });

  it('derives the US rules for America/New_York (second Sunday of March, first of November)', () => {
    const { ics } = seriesFile('America/New_York', 'FREQ=DAILY;COUNT=10', '2026-12-01T09:00');
    const vtimezone = contentLines(ics).join('\n');
    expect(vtimezone).toContain(
      'BEGIN:DAYLIGHT\nDTSTART:20250309T020000\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nTZNAME:EDT\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
    );
    expect(vtimezone).toContain(
      'BEGIN:STANDARD\nDTSTART:20251102T020000\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nTZNAME:EST\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
    );
    expect(contentLines(ics)).toContain('RRULE:FREQ=DAILY;COUNT=10');
  });

  it('writes every change when the dates follow no yearly rule (Asia/Jerusalem: Friday before the last Sunday)', () => {
    const lines = contentLines(seriesFile('Asia/Jerusalem', 'FREQ=WEEKLY', '2026-12-04T12:00').ics);
    const vtimezone = lines.slice(lines.indexOf('BEGIN:VTIMEZONE'), lines.indexOf('END:VTIMEZONE'));
    expect(vtimezone.some((line) => line.startsWith('RRULE'))).toBe(false);
    expect(vtimezone.filter((line) => line === 'BEGIN:DAYLIGHT')).toHaveLength(21); // 2025 to 2045
    expect(vtimezone.join('\n')).toContain(
      'BEGIN:STANDARD\nDTSTART:20250101T000000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0200',
    );
    expect(vtimezone.join('\n')).toContain(
      'BEGIN:DAYLIGHT\nDTSTART:20270326T020000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0300',
    );
    expect(vtimezone.join('\n')).toContain(
      'BEGIN:DAYLIGHT\nDTSTART:20280324T020000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0300',
    );
  });

  it('gives a zone without DST one observance', () => {
    const { ics } = seriesFile('Asia/Tokyo', 'FREQ=WEEKLY', '2026-12-01T09:00');
    const vtimezone = contentLines(ics);
    expect(vtimezone.filter((line) => line.startsWith('BEGIN:STANDARD') || line.startsWith('BEGIN:DAYLIGHT'))).toEqual([
      'BEGIN:STANDARD',
    ]);
    expect(vtimezone).toContain('TZOFFSETTO:+0900');
  });

  // A calendar that knows no IANA zones (ical.js) must place every occurrence where expandOccurrences does, using
  // only the VTIMEZONE in the file.
  it.each([
    ['Europe/Berlin', 'FREQ=WEEKLY;BYDAY=MO,TH', '2026-12-03T09:00', '2026-12-10T09:00'],
    ['America/New_York', 'FREQ=WEEKLY;BYDAY=MO,TH', '2026-12-03T09:00', '2027-03-15T09:00'],
    ['Europe/London', 'FREQ=DAILY', '2026-12-03T18:30', '2026-12-25T18:30'],
    ['Australia/Sydney', 'FREQ=WEEKLY;BYDAY=WE', '2026-12-02T08:00', '2026-12-09T08:00'],
    ['Australia/Lord_Howe', 'FREQ=WEEKLY;BYDAY=WE', '2026-12-02T08:00', '2026-12-09T08:00'],
    ['Asia/Jerusalem', 'FREQ=WEEKLY;BYDAY=FR', '2026-12-04T12:00', '2026-12-11T12:00'],
    ['America/Sao_Paulo', 'FREQ=MONTHLY;BYDAY=1MO', '2026-12-07T10:00', '2027-01-04T10:00'],
  ])('%s: occurrences read back from the file match (%s)', (zone, rrule, dtstart, exception) => {
    const exceptions = [exception];
    const { rule, ics } = seriesFile(zone, rrule, dtstart, exceptions);
    const expected = expandOccurrences(rule, { from: '2026-01-01T00:00:00Z', to: '2028-07-01T00:00:00Z', exceptions });
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent') ?? undefined);
    const iterator = event.iterator();
    const readBack: string[] = [];
    for (let next = iterator.next(); next && readBack.length < expected.length; next = iterator.next()) {
      readBack.push(next.toJSDate().toISOString());
    }
    expect(expected.length).toBeGreaterThan(15);
    expect(readBack).toEqual(expected.map((occurrence) => occurrence.start));
  });
});

describe('one occurrence of a series', () => {
  it('carries the series UID and a RECURRENCE-ID in the series zone, with a VTIMEZONE', () => {
    const lines = contentLines(
      buildCalendarFile({
        ...single,
        start: '2026-12-08T08:00:00.000Z',
        end: '2026-12-08T09:00:00.000Z',
        timezone: 'Europe/Berlin',
        recurrenceId: '2026-12-08T09:00',
        status: 'CANCELLED',
        sequence: 1,
      }),
    );
    expect(lines).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20261208T090000');
    expect(lines).toContain('DTSTART:20261208T080000Z');
    expect(lines).toContain('STATUS:CANCELLED');
    expect(lines).toContain('TZID:Europe/Berlin');
    expect(lines.slice(lines.indexOf('BEGIN:VEVENT')).some((line) => line.startsWith('RRULE'))).toBe(false);
  });
});

describe('refused input', () => {
  it('a series needs its zone and first wall time, and only RRULE characters', () => {
    expect(() => buildCalendarFile({ ...single, rrule: 'FREQ=WEEKLY' })).toThrow(TypeError);
    expect(() =>
      buildCalendarFile({
        ...single,
        rrule: 'FREQ=WEEKLY',
        timezone: 'Europe/Berlin\r\nX:1',
        dtstartLocal: '2026-12-01T09:00',
      }),
    ).toThrow(TypeError);
    expect(() =>
      buildCalendarFile({
        ...single,
        rrule: 'FREQ=WEEKLY\r\nX:1',
        timezone: 'Europe/Berlin',
        dtstartLocal: '2026-12-01T09:00',
      }),
    ).toThrow(TypeError);
    expect(() => buildCalendarFile({ ...single, recurrenceId: '2026-12-08T09:00' })).toThrow(TypeError);
  });

  it('a URL that is not one', () => {
    expect(() => buildCalendarFile({ ...single, url: 'not a url' })).toThrow(TypeError);
  });
});
