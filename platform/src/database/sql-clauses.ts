/**
 * Collects SQL fragments with their bound values, for WHERE filters and SET lists built from optional input.
 * Fragments are always our own literals; user input only ever travels as bound values.
 */
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
