/** Date ranges for analytics: inclusive `YYYY-MM-DD` days in UTC. Pure. */
export const DAY_MS = 86_400_000;
export const MAX_RANGE_DAYS = 400;

export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const startOfDay = (day: string) => Date.parse(`${day}T00:00:00.000Z`);

export function isValidDay(day: string) {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && Number.isFinite(startOfDay(day)) && dayOf(startOfDay(day)) === day;
}

/** Every day from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = startOfDay(from); t <= startOfDay(to); t += DAY_MS) days.push(dayOf(t));
  return days;
}

export interface DayRange {
  from: string;
  to: string;
  /** ISO bounds: [fromIso, toExclusiveIso). */
  fromIso: string;
  toExclusiveIso: string;
}

export function resolveRange(from: string | undefined, to: string | undefined, now = Date.now()): DayRange {
  const end = to ?? dayOf(now);
  const start = from ?? dayOf(startOfDay(end) - 29 * DAY_MS);
  return {
    from: start,
    to: end,
    fromIso: new Date(startOfDay(start)).toISOString(),
    toExclusiveIso: new Date(startOfDay(end) + DAY_MS).toISOString(),
  };
}

/** Splits the days into runs: consecutive rolled-up days, and consecutive days to compute live. */
export function splitRuns(days: string[], rolled: Set<string>) {
  const runs: { rolled: boolean; from: string; to: string }[] = [];
  for (const day of days) {
    const isRolled = rolled.has(day);
    const last = runs.at(-1);
    if (last && last.rolled === isRolled) last.to = day;
    else runs.push({ rolled: isRolled, from: day, to: day });
  }
  return runs;
}

export function periodOf(day: string, granularity: 'day' | 'week' | 'month') {
  if (granularity === 'day') return day;
  if (granularity === 'month') return day.slice(0, 7);
  const t = startOfDay(day);
  const weekday = (new Date(t).getUTCDay() + 6) % 7; // Monday = 0
  return dayOf(t - weekday * DAY_MS);
}
