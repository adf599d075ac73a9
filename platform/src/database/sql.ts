/**
 * What the domains' `queries.ts` files share: the SQL clock, fragments more than one statement needs, and the
 * helpers that build clauses from input. Fragments are always our own literals; user input only ever travels as
 * bound values.
 */

/** SQLite's "now" as our ISO-8601 UTC text with milliseconds (the format of every stored time). */
export const NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/**
 * The RTK room of a meeting instance: the occurrence's own room for a series, else the meeting's. Needs the
 * meeting as `m` and its occurrence (possibly none) LEFT JOINed as `o`.
 */
export const ROOM_OF_INSTANCE = 'COALESCE(o.rtk_meeting_id, m.rtk_meeting_id)';

/** Collects SQL fragments with their bound values, for WHERE filters and SET lists built from optional input. */
export class SqlClauses {
  private readonly fragments: string[] = [];
  readonly values: unknown[] = [];

  add(fragment: string, ...values: unknown[]): this {
    this.fragments.push(fragment);
    this.values.push(...values);
    return this;
  }

  /** Adds the fragment only when `value` is defined. */
  addIfDefined(fragment: string, value: unknown): this {
    return value === undefined ? this : this.add(fragment, value);
  }

  join(separator: string): string {
    return this.fragments.join(separator);
  }
}

/**
 * `column IN (…)` for a list that grows with input. D1 binds at most 100 parameters per statement, so a list
 * must never become one `?` per item: it travels as one JSON parameter that SQLite's json_each expands, and the
 * statement keeps the same parameter count for any length. Bind `value` where `sql` sits.
 */
export const inList = (column: string, values: readonly (string | number)[]) => ({
  sql: `${column} IN (SELECT value FROM json_each(?))`,
  value: JSON.stringify(values),
});

/** Escapes LIKE wildcards so user text matches literally (use with `ESCAPE '\\'`). */
export const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** The rows of one result of `db.batch()`, which D1 leaves untyped, as the row shape its SELECT produces. */
export const rowsOf = <Row>(result: D1Result | undefined): Row[] => (result?.results ?? []) as Row[];
