// D1: databases (create/list/get/delete), query + raw on the real Miniflare SQLite, time travel.
import { errorMessage } from '../error-message.ts';
import { CfApiError, cfOk, cfPage } from '../http/cf-envelope.ts';
import { isOneOf, isPlainObject, readJson } from '../http/request-body.ts';
import type { RouteContext, Router } from '../http/router.ts';
import { nowIso, uuid } from '../state/ids.ts';
import type { D1DatabaseRecord } from '../state/state.ts';
import type { StateStore } from '../state/store.ts';
import type { D1, WorkersRuntime } from '../workers-runtime/runtime.ts';
import { splitSqlStatements } from './d1-sql-split.ts';
import { dumpDatabase, restoreDump, type TimeTravelArchive } from './d1-time-travel.ts';

type SqlParam = string | number | boolean | null;
type D1Result = Awaited<ReturnType<D1['batch']>>[number];

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const REGIONS = ['wnam', 'enam', 'weur', 'eeur', 'apac', 'oc'];
const MAX_STATEMENT_BYTES = 100_000;
const MAX_PARAMS = 100;

const notFound = (id: string) => new CfApiError(404, 7404, `The database ${id} could not be found`);
const sqlError = (message: string) => new CfApiError(400, 7500, message);

const databaseView = (db: D1DatabaseRecord, extra: object = {}) => ({
  uuid: db.uuid,
  name: db.name,
  created_at: db.created_at,
  version: 'production',
  jurisdiction: db.jurisdiction ?? null,
  ...extra,
});

/** Validates a /query or /raw body into [{ sql, params }]. */
function parseQueryBody(body: unknown): { sql: string; params: SqlParam[] }[] {
  if (!isPlainObject(body))
    throw new CfApiError(400, 7400, 'The request body must be a JSON object with `sql` or `batch`.');
  const entries = 'batch' in body ? body.batch : [body];
  if (!Array.isArray(entries) || entries.length === 0)
    throw new CfApiError(400, 7400, '`batch` must be a non-empty array.');
  return entries.map((entry) => {
    if (!isPlainObject(entry) || typeof entry.sql !== 'string' || !entry.sql.trim())
      throw new CfApiError(400, 7400, 'Every query needs a non-empty `sql` string.');
    if (Buffer.byteLength(entry.sql) > MAX_STATEMENT_BYTES * 10) throw new CfApiError(400, 7400, 'SQL text too large.');
    const params = entry.params ?? [];
    if (!Array.isArray(params) || params.some((p) => p !== null && !['string', 'number', 'boolean'].includes(typeof p)))
      throw new CfApiError(400, 7400, '`params` must be an array of strings, numbers, booleans or null.');
    if (params.length > MAX_PARAMS) throw new CfApiError(400, 7400, `Too many bound parameters (max ${MAX_PARAMS}).`);
    return { sql: entry.sql, params: params as SqlParam[] };
  });
}

/** Splits the entries into prepared statements (params only for single-statement entries). */
function prepareAll(db: D1, entries: { sql: string; params: SqlParam[] }[]) {
  const prepared = [];
  for (const { sql, params } of entries) {
    const statements = splitSqlStatements(sql);
    if (!statements.length) throw new CfApiError(400, 7400, 'The SQL text holds no statement.');
    if (statements.length > 1 && params.length)
      throw sqlError('Bound parameters are only allowed with a single statement.');
    for (const text of statements) {
      if (Buffer.byteLength(text) > MAX_STATEMENT_BYTES) throw sqlError('statement too long: SQLITE_TOOBIG');
      const stmt = db.prepare(text);
      prepared.push({ text, stmt: params.length ? stmt.bind(...params) : stmt });
    }
  }
  return prepared;
}

const withTimings = (meta: Partial<D1Result['meta']>) => ({
  ...meta,
  served_by_region: 'WEUR',
  served_by_primary: true,
  timings: { sql_duration_ms: meta?.duration ?? 0 },
});

/** The latest bookmark taken at or before `timestamp`. */
function bookmarkAt(record: D1DatabaseRecord, timestamp: string): string {
  const at = Date.parse(timestamp);
  if (Number.isNaN(at)) throw new CfApiError(400, 7400, 'timestamp must be an RFC 3339 date-time');
  const latest = record.bookmarks.filter((b) => Date.parse(b.at) <= at).at(-1);
  if (!latest) throw new CfApiError(400, 7400, `No bookmark exists at or before ${timestamp}`);
  return latest.bookmark;
}

function toSqlError(error: unknown): CfApiError {
  if (error instanceof CfApiError) return error;
  return sqlError(errorMessage(error).replace(/^D1_ERROR:\s*/, ''));
}

export function registerD1Routes(
  router: Router,
  { store, runtime, archive }: { store: StateStore; runtime: WorkersRuntime; archive: TimeTravelArchive },
): void {
  const base = '/client/v4/accounts/:accountId/d1/database';
  const find = (id: string) => {
    const db = store.data.d1.find((d) => d.uuid === id);
    if (!db) throw notFound(id);
    return db;
  };

  router.add('POST', base, { account: true, permission: 'd1:write' }, async ({ request }) => {
    const body = await readJson(request);
    const name = isPlainObject(body) ? body.name : undefined;
    if (!isPlainObject(body) || typeof name !== 'string' || !NAME.test(name))
      throw new CfApiError(
        400,
        7400,
        'A database name is required: letters, digits, "-" and "_", up to 64 characters.',
      );
    const { primary_location_hint: hint = null, jurisdiction = null } = body;
    if (hint !== null && !isOneOf(REGIONS, hint))
      throw new CfApiError(400, 7400, `primary_location_hint must be one of ${REGIONS.join(', ')}`);
    if (jurisdiction !== null && !isOneOf(['eu', 'fedramp', 'us'], jurisdiction))
      throw new CfApiError(400, 7400, 'jurisdiction must be one of eu, fedramp, us');
    const created = store.transact((s) => {
      if (s.d1.some((d) => d.name === name))
        throw new CfApiError(400, 7502, 'A database with that name already exists');
      if (s.d1.length >= 50_000) throw new CfApiError(400, 7406, 'D1 database count limit reached');
      const db: D1DatabaseRecord = {
        uuid: uuid(),
        name,
        created_at: nowIso(),
        jurisdiction,
        primary_location_hint: hint,
        bookmarks: [],
      };
      s.d1.push(db);
      return db;
    });
    await runtime.apply();
    return cfOk(databaseView(created, { num_tables: 0, file_size: 0 }));
  });

  router.add('GET', base, { account: true, permission: 'd1:read' }, ({ url }) => {
    const name = url.searchParams.get('name');
    const list = store.data.d1.filter((d) => !name || d.name.includes(name)).map((d) => databaseView(d));
    return cfPage(url, list, { defaultPerPage: 1000, maxPerPage: 10000 });
  });

  router.add('GET', `${base}/:databaseId`, { account: true, permission: 'd1:read' }, async ({ params }) => {
    const record = find(params.databaseId);
    const db = await runtime.d1(record.uuid);
    const tables = await db
      .prepare(
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
      )
      .first();
    const size = await db.prepare('SELECT 1').run();
    return cfOk(
      databaseView(record, {
        num_tables: tables?.n ?? 0,
        file_size: size.meta?.size_after ?? 0,
        read_replication: { mode: 'disabled' },
      }),
    );
  });

  router.add('DELETE', `${base}/:databaseId`, { account: true, permission: 'd1:write' }, async ({ params }) => {
    const record = find(params.databaseId);
    // Empty it first, so its file does not keep old data around.
    await restoreDump(await runtime.d1(record.uuid), { tables: [], others: [] }).catch(() => {});
    store.transact((s) => {
      s.d1 = s.d1.filter((d) => d.uuid !== record.uuid);
    });
    await runtime.apply();
    return cfOk(null);
  });

  const runQuery =
    (mode: 'query' | 'raw') =>
    async ({ params, request }: RouteContext<{ databaseId: string }>) => {
      const record = find(params.databaseId);
      const entries = parseQueryBody(await readJson(request));
      const db = await runtime.d1(record.uuid);
      const prepared = prepareAll(db, entries);
      try {
        const [only, ...more] = prepared;
        if (mode === 'raw' && only && !more.length) {
          const started = Date.now();
          const rows = await only.stmt.raw({ columnNames: true });
          const [columns = [], ...rest] = rows;
          return cfOk([
            {
              results: { columns, rows: rest },
              success: true,
              meta: withTimings({ duration: Date.now() - started, rows_read: rest.length, changes: 0 }),
            },
          ]);
        }
        const results = await db.batch(prepared.map((p) => p.stmt));
        return cfOk(
          results.map((r: D1Result) =>
            mode === 'raw'
              ? {
                  results: {
                    columns: Object.keys(r.results[0] ?? {}),
                    rows: r.results.map((row) => Object.values(row as object)),
                  },
                  success: true,
                  meta: withTimings(r.meta),
                }
              : { results: r.results, success: true, meta: withTimings(r.meta) },
          ),
        );
      } catch (error) {
        throw toSqlError(error);
      }
    };
  router.add('POST', `${base}/:databaseId/query`, { account: true, permission: 'd1:write' }, runQuery('query'));
  router.add('POST', `${base}/:databaseId/raw`, { account: true, permission: 'd1:write' }, runQuery('raw'));

  // --- Time travel -----------------------------------------------------------------------------------------
  const snapshotNow = async (record: D1DatabaseRecord) => {
    const dump = await dumpDatabase(await runtime.d1(record.uuid));
    const saved = archive.save(record.uuid, record.bookmarks, dump);
    if (!saved.reused)
      store.transact((s) => {
        s.d1
          .find((d) => d.uuid === record.uuid)
          ?.bookmarks.push({ bookmark: saved.bookmark, at: saved.at, hash: saved.hash });
      });
    return saved.bookmark;
  };

  router.add(
    'GET',
    `${base}/:databaseId/time_travel/bookmark`,
    { account: true, permission: 'd1:read' },
    async ({ params, url }) => {
      const record = find(params.databaseId);
      const timestamp = url.searchParams.get('timestamp');
      if (timestamp === null) return cfOk({ bookmark: await snapshotNow(record) });
      if (Date.parse(timestamp) > Date.now()) throw new CfApiError(400, 7400, 'timestamp is in the future');
      return cfOk({ bookmark: bookmarkAt(record, timestamp) });
    },
  );

  router.add(
    'POST',
    `${base}/:databaseId/time_travel/restore`,
    { account: true, permission: 'd1:write' },
    async ({ params, url }) => {
      const record = find(params.databaseId);
      const timestamp = url.searchParams.get('timestamp');
      const bookmark = url.searchParams.get('bookmark') || (timestamp && bookmarkAt(record, timestamp));
      if (!bookmark) throw new CfApiError(400, 7400, 'Pass `bookmark` or `timestamp` as a query parameter.');
      const dump = archive.load(record.uuid, bookmark);
      if (!dump || !record.bookmarks.some((b) => b.bookmark === bookmark))
        throw new CfApiError(400, 7400, `Bookmark ${bookmark} is not valid for database ${record.uuid}`);
      const previous = await snapshotNow(record);
      await restoreDump(await runtime.d1(record.uuid), dump).catch((error) => {
        throw toSqlError(error);
      });
      return cfOk({ bookmark, previous_bookmark: previous, message: 'Database restored successfully' });
    },
  );
}
