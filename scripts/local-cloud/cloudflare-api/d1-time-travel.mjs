// D1 Time Travel, emulated with logical snapshots: a bookmark is a dump of every user table (schema + rows)
// taken when asked for; restore rebuilds the database from it in one atomic batch. Cloudflare keeps a
// continuous history; here only points at which a bookmark was taken (or a restore happened) can be restored.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const quoteIdent = (name) => `"${String(name).replace(/"/g, '""')}"`;

const encodeValue = (v) => {
  if (v instanceof ArrayBuffer) return { $blob: Buffer.from(v).toString('base64') };
  if (ArrayBuffer.isView(v)) return { $blob: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (Array.isArray(v)) return { $blob: Buffer.from(v).toString('base64') };
  return v;
};
const decodeValue = (v) =>
  v && typeof v === 'object' && '$blob' in v ? new Uint8Array(Buffer.from(v.$blob, 'base64')) : v;

/** Dumps the user schema and rows of a D1 database (Miniflare D1 binding). */
export async function dumpDatabase(db) {
  const { results: objects } = await db
    .prepare(
      "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND sql IS NOT NULL ORDER BY rowid",
    )
    .all();
  const tables = [];
  for (const o of objects.filter((x) => x.type === 'table')) {
    const { results } = await db.prepare(`SELECT * FROM ${quoteIdent(o.name)}`).all();
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
export async function restoreDump(db, dump) {
  const current = await db
    .prepare(
      "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND sql IS NOT NULL",
    )
    .all();
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
  /** @param {string} stateDir */
  constructor(stateDir) {
    this.dir = join(stateDir, 'd1-time-travel');
  }

  /** Stores a dump; returns { bookmark, at, hash }. Reuses the latest bookmark if nothing changed. */
  save(databaseId, previous, dump) {
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

  load(databaseId, bookmark) {
    const file = join(this.dir, databaseId, `${bookmark}.json`);
    if (!/^[0-9a-f-]+$/.test(bookmark) || !existsSync(file)) return null;
    return JSON.parse(readFileSync(file, 'utf8'));
  }
}
