/** Times are stored and sent as ISO-8601 UTC text (ARCHITECTURE item 3). */
export const isoNow = (now = Date.now()) => new Date(now).toISOString();
export const isoAfter = (milliseconds: number, now = Date.now()) => new Date(now + milliseconds).toISOString();

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
