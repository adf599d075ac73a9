// Five-field cron expressions (minute hour day-of-month month day-of-week), as Workers cron triggers accept:
// `*`, `*/n`, `a-b`, `a-b/n`, lists, month/day names. Used to validate schedules and to fire them on time.

const FIELDS = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

function value(text, field) {
  const upper = text.toUpperCase();
  if (field.names?.includes(upper)) return field.names.indexOf(upper) + (field.min === 1 ? 1 : 0);
  if (!/^\d+$/.test(text)) throw new Error(`bad value "${text}"`);
  const n = Number(text);
  if (n < field.min || n > field.max) throw new Error(`value ${n} out of range ${field.min}-${field.max}`);
  return n;
}

function parseField(text, field) {
  const set = new Set();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in "${part}"`);
    let lo;
    let hi;
    if (range === '*' || range === '?') [lo, hi] = [field.min, field.max];
    else if (range.includes('-')) [lo, hi] = range.split('-').map((x) => value(x, field));
    else [lo, hi] = [value(range, field), stepText === undefined ? value(range, field) : field.max];
    if (lo > hi) throw new Error(`bad range "${range}"`);
    for (let v = lo; v <= hi; v += step) set.add(v);
  }
  return set;
}

/** @param {string} expression @returns {(date: Date) => boolean} */
export function parseCron(expression) {
  if (typeof expression !== 'string') throw new Error('cron must be a string');
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error('cron needs 5 fields');
  const [minutes, hours, days, months, weekdays] = parts.map((p, i) => parseField(p, FIELDS[i]));
  if (weekdays.has(7)) weekdays.add(0);
  const dayRestricted = parts[2] !== '*' && parts[2] !== '?';
  const weekdayRestricted = parts[4] !== '*' && parts[4] !== '?';
  return (date) => {
    if (!minutes.has(date.getUTCMinutes()) || !hours.has(date.getUTCHours()) || !months.has(date.getUTCMonth() + 1))
      return false;
    const dom = days.has(date.getUTCDate());
    const dow = weekdays.has(date.getUTCDay());
    if (dayRestricted && weekdayRestricted) return dom || dow;
    return dom && dow;
  };
}
