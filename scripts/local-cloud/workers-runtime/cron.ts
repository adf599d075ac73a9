// Five-field cron expressions (minute hour day-of-month month day-of-week), as Workers cron triggers accept:
// `*`, `*/n`, `a-b`, `a-b/n`, lists, month/day names. Used to validate schedules and to fire them on time.

interface CronField {
  min: number;
  max: number;
  names?: string[];
}

/** minute hour day-of-month month day-of-week */
type FiveFields<T> = [T, T, T, T, T];

const FIELDS: FiveFields<CronField> = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

function value(text: string, field: CronField): number {
  const upper = text.toUpperCase();
  if (field.names?.includes(upper)) return field.names.indexOf(upper) + (field.min === 1 ? 1 : 0);
  if (!/^\d+$/.test(text)) throw new Error(`bad value "${text}"`);
  const n = Number(text);
  if (n < field.min || n > field.max) throw new Error(`value ${n} out of range ${field.min}-${field.max}`);
  return n;
}

function parseField(text: string, field: CronField): Set<number> {
  const set = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in "${part}"`);
    const [lo, hi] = bounds(range, stepText !== undefined, field);
    if (lo > hi) throw new Error(`bad range "${range}"`);
    for (let v = lo; v <= hi; v += step) set.add(v);
  }
  return set;
}

/** `*`, `a-b`, or `a` (which with a step means `a-max`). */
function bounds(range: string, stepped: boolean, field: CronField): [number, number] {
  if (range === '*' || range === '?') return [field.min, field.max];
  if (range.includes('-')) {
    const [lo = '', hi = ''] = range.split('-');
    return [value(lo, field), value(hi, field)];
  }
  return [value(range, field), stepped ? field.max : value(range, field)];
}

/** A matcher for the minutes (UTC) an expression fires at. */
export function parseCron(expression: string): (date: Date) => boolean {
  if (typeof expression !== 'string') throw new Error('cron must be a string');
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error('cron needs 5 fields');
  const [minuteText, hourText, dayText, monthText, weekdayText] = parts as FiveFields<string>;
  const [minuteField, hourField, dayField, monthField, weekdayField] = FIELDS;
  const minutes = parseField(minuteText, minuteField);
  const hours = parseField(hourText, hourField);
  const days = parseField(dayText, dayField);
  const months = parseField(monthText, monthField);
  const weekdays = parseField(weekdayText, weekdayField);
  if (weekdays.has(7)) weekdays.add(0);
  const dayRestricted = dayText !== '*' && dayText !== '?';
  const weekdayRestricted = weekdayText !== '*' && weekdayText !== '?';
  return (date) => {
    if (!minutes.has(date.getUTCMinutes()) || !hours.has(date.getUTCHours()) || !months.has(date.getUTCMonth() + 1))
      return false;
    const dom = days.has(date.getUTCDate());
    const dow = weekdays.has(date.getUTCDay());
    if (dayRestricted && weekdayRestricted) return dom || dow;
    return dom && dow;
  };
}
