/**
 * Migrations are additive only (spec §14.11, docs/architecture.md#migrations): an older Worker must keep running on the
 * newer schema, so no statement may drop, rename or rewrite what exists. Filling in a column the same migration
 * adds rewrites nothing that existed, so that one kind of UPDATE is allowed (see isBackfillOfNewColumn).
 */
const DESTRUCTIVE = [
  { pattern: /\bDROP\s+(TABLE|INDEX|VIEW|TRIGGER)\b/i, reason: 'drops an object' },
  { pattern: /\bALTER\s+TABLE\s+\S+\s+RENAME\b/i, reason: 'renames a table or column' },
  { pattern: /\bALTER\s+TABLE\s+\S+\s+DROP\b/i, reason: 'drops a column' },
  { pattern: /\bDELETE\s+FROM\b/i, reason: 'deletes rows' },
  { pattern: /\bUPDATE\s+\S+\s+SET\b/i, reason: 'rewrites rows' },
  { pattern: /\bREPLACE\s+INTO\b/i, reason: 'replaces rows' },
];

export interface MigrationProblem {
  migration: string;
  statement: string;
  reason: string;
}

/** Strips SQL comments so a comment that mentions DROP does not trip the lint. */
const withoutComments = (sql: string) => sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');

/** The columns (`table.column`, lower case) a migration adds. */
function addedColumns(queries: string[]): Set<string> {
  const added = new Set<string>();
  for (const query of queries)
    for (const [, table, column] of withoutComments(query).matchAll(
      /\bALTER\s+TABLE\s+(\w+)\s+ADD\s+(?:COLUMN\s+)?(\w+)/gi,
    ))
      added.add(`${table}.${column}`.toLowerCase());
  return added;
}

/** `UPDATE t SET c = <constant> WHERE …`: one column set to one literal (a WHERE clause cannot assign). */
const SINGLE_COLUMN_BACKFILL = /^\s*UPDATE\s+(\w+)\s+SET\s+(\w+)\s*=\s*(?:'[^']*'|-?\d+(?:\.\d+)?|NULL)\s+WHERE\b/i;

/** An UPDATE that only sets a column added by this same migration: no older Worker reads that column. */
function isBackfillOfNewColumn(statement: string, added: Set<string>): boolean {
  const match = SINGLE_COLUMN_BACKFILL.exec(statement);
  return match !== null && added.has(`${match[1]}.${match[2]}`.toLowerCase());
}

export function findDestructiveStatements(migrations: { name: string; queries: string[] }[]): MigrationProblem[] {
  return migrations.flatMap((migration) => {
    const added = addedColumns(migration.queries);
    return migration.queries.flatMap((query) => {
      const statement = withoutComments(query);
      if (isBackfillOfNewColumn(statement, added)) return [];
      return DESTRUCTIVE.filter(({ pattern }) => pattern.test(statement)).map(({ reason }) => ({
        migration: migration.name,
        statement: statement.trim().slice(0, 120),
        reason,
      }));
    });
  });
}
