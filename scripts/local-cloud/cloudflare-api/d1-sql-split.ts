// Splits SQL text into statements the way SQLite would: semicolons outside string literals, quoted
// identifiers and comments end a statement, except inside CREATE TRIGGER … BEGIN … END bodies.

/** Trimmed, non-empty statements (comments kept). */
export function splitSqlStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  let triggerDepth = 0;
  const n = sql.length;
  const wordAt = (pos: number) => /^[A-Za-z_]+/.exec(sql.slice(pos, pos + 16))?.[0]?.toUpperCase() ?? '';
  const isWordBoundary = (pos: number) => pos === 0 || !/[A-Za-z0-9_]/.test(sql[pos - 1] ?? '');
  while (i < n) {
    const ch = sql.charAt(i);
    if (ch === "'" || ch === '"' || ch === '`') {
      const close = ch;
      i++;
      while (i < n) {
        if (sql[i] === close) {
          if (sql[i + 1] === close) i += 2;
          else break;
        } else i++;
      }
      i++;
      continue;
    }
    if (ch === '[') {
      const end = sql.indexOf(']', i + 1);
      i = end === -1 ? n : end + 1;
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
      continue;
    }
    if (/[A-Za-z]/.test(ch) && isWordBoundary(i)) {
      const word = wordAt(i);
      if (word === 'BEGIN' && isInsideCreateTrigger(sql.slice(start, i))) triggerDepth++;
      else if (word === 'CASE' && triggerDepth > 0) triggerDepth++;
      else if (word === 'END' && triggerDepth > 0) triggerDepth--;
      i += Math.max(word.length, 1);
      continue;
    }
    if (ch === ';' && triggerDepth === 0) {
      push(sql.slice(start, i));
      start = i + 1;
    }
    i++;
  }
  push(sql.slice(start));
  return statements;

  function push(text: string) {
    const trimmed = text.trim();
    if (trimmed && stripComments(trimmed).trim()) statements.push(trimmed);
  }
}

const isInsideCreateTrigger = (text: string) =>
  /^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*CREATE\s+(?:TEMP(?:ORARY)?\s+)?TRIGGER\b/i.test(text);

export const stripComments = (sql: string) => sql.replace(/--[^\n]*(\n|$)/g, '$1').replace(/\/\*[\s\S]*?\*\//g, '');
