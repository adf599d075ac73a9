// D1 Time Travel, emulated with logical snapshots: a bookmark is a dump of every user table (schema + rows)
// taken when asked for; restore rebuilds the database from it in one atomic batch. Cloudflare keeps a
// continuous history; here only points at which a bookmark was taken (or a restore happened) can be restored.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { D1Bookmark } from '../state/state.ts';
import type { D1 } from '../workers-runtime/runtime.ts';

/** A SQL value as JSON: blobs are `{ $blob: base64 }`. */
type DumpedValue = string | number | null | { $blob: string };

/** Every user table (schema + rows) and the other schema objects (indexes, triggers, views). */
export interface DatabaseDump {
  tables: { name: string; sql: string; rows: Record<string, DumpedValue>[] }[];
  others: SchemaObject[];
}

interface SchemaObject {
  type: 'table' | 'index' | 'trigger' | 'view';
  name: string;
  sql: string;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

const encodeValue = (v: unknown): DumpedValue => {
  if (v instanceof ArrayBuffer) return { $blob: Buffer.from(v).toString('base64') };
  if (ArrayBuffer.isView(v)) return { $blob: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (Array.isArray(v)) return { $blob: Buffer.from(v).toString('base64') };
  return v as string | number | null;
};
const decodeValue = (v: DumpedValue | undefined) =>
  v && typeof v === 'object' ? new Uint8Array(Buffer.from(v.$blob, 'base64')) : v;

const USER_OBJECTS = "FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND sql IS NOT NULL";

/** Dumps the user schema and rows of a D1 database. */
export async function dumpDatabase(db: D1): Promise<DatabaseDump> {
  const { results: objects } = await db
    .prepare(`SELECT type, name, sql ${USER_OBJECTS} ORDER BY rowid`)
    .all<SchemaObject>();
  const tables: DatabaseDump['tables'] = [];
  for (const o of objects.filter((x) => x.type === 'table')) {
    const { results } = await db.prepare(`SELECT * FROM ${quoteIdent(o.name)}`).all<Record<string, unknown>>();
    tables.push({
      name: o.name,
      sql: o.sql,
      rows: results.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, encodeValue(v)]))),
    });
  }
  return {
    tables,
    others: objects.filter((x) => x.type !== 'table').map(({ type, name, sql }) => ({ type, name, sql })),
  };
}

/** Replaces the database's content with a dump, atomically (one D1 batch). */
export async function restoreDump(db: D1, dump: DatabaseDump): Promise<void> {
  const current = await db.prepare(`SELECT type, name ${USER_OBJECTS}`).all<Omit<SchemaObject, 'sql'>>();
  const statements = [db.prepare('PRAGMA defer_foreign_keys = ON')];
  const order = { trigger: 0, view: 1, index: 2, table: 3 };
  for (const o of [...current.results].sort((a, b) => order[a.type] - order[b.type])) {
    statements.push(db.prepare(`DROP ${o.type.toUpperCase()} IF EXISTS ${quoteIdent(o.name)}`));
  }
  for (const t of dump.tables) statements.push(db.prepare(t.sql));
  for (const t of dump.tables) {
    for (const row of t.rows) {
      const columns = Object.keys(row);
      if (!columns.length) continue;
      statements.push(
        db
          .prepare(
            `INSERT INTO ${quoteIdent(t.name)} (${columns.map(quoteIdent).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          )
          .bind(...columns.map((c) => decodeValue(row[c]))),
      );
    }
  }
  for (const o of dump.others) statements.push(db.prepare(o.sql));
  await db.batch(statements);
}

export class TimeTravelArchive {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'd1-time-travel');
  }

  /** Stores a dump; reuses the latest bookmark if nothing changed. */
  save(databaseId: string, previous: D1Bookmark[], dump: DatabaseDump): D1Bookmark & { reused?: true } {
    const text = JSON.stringify(dump);
    const hash = createHash('sha256').update(text).digest('hex').slice(0, 32);
    const last = previous.at(-1);
    if (last && last.hash === hash) return { ...last, reused: true };
    const seq = previous.length + 1;
    const at = new Date().toISOString();
    const bookmark = `${seq.toString(16).padStart(8, '0')}-${Date.now().toString(16).slice(-8).padStart(8, '0')}-00004c6d-${hash}`;
    const dir = join(this.dir, databaseId);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${bookmark}.json`), text);
    return { bookmark, at, hash };
  }

  load(databaseId: string, bookmark: string): DatabaseDump | null {
    const file = join(this.dir, databaseId, `${bookmark}.json`);
    if (!/^[0-9a-f-]+$/.test(bookmark) || !existsSync(file)) return null;
    return JSON.parse(readFileSync(file, 'utf8')) as DatabaseDump;
  }
}
