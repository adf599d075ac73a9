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

/** Escapes LIKE wildcards so user text matches literally (use with `ESCAPE '\\'`). */
export const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** The rows of one result of `db.batch()`, which D1 leaves untyped, as the row shape its SELECT produces. */
export const rowsOf = <Row>(result: D1Result | undefined): Row[] => (result?.results ?? []) as Row[];
