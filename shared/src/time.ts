/** Times are stored and sent as ISO-8601 UTC text (docs/architecture.md#one-schema). */
export const isoNow = (now = Date.now()) => new Date(now).toISOString();
export const isoAfter = (milliseconds: number, now = Date.now()) => new Date(now + milliseconds).toISOString();

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
