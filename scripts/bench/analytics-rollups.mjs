#!/usr/bin/env node
// Analytics dashboard queries on a year of data, with and without the nightly rollups, on local workerd
// (wrangler dev, real D1/SQLite). Seeds one synthetic org: BENCH_SESSIONS sessions (default 100,000) over the
// last 365 days, 10 participant rows per session (1,000,000), a recording per 4 sessions, 2 chat messages per
// session. Then times GET /api/analytics/{overview,usage,meetings} for 365 days live (no rollups), fires the
// nightly cron (rollups), times them again, and checks both give the same totals. GET /api/health (a bare route)
// is the baseline measured in the same run.
// Usage: node scripts/bench/analytics-rollups.mjs   (env BENCH_SESSIONS, BENCH_REQUESTS)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPlatformDev } from '../dev/platform-dev.ts';
import { measure, printTable } from './measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sessions = Number(process.env.BENCH_SESSIONS ?? 100_000);
const samples = Number(process.env.BENCH_REQUESTS ?? 30);
const stateDir = mkdtempSync(join(tmpdir(), 'castio-bench-analytics-'));
const port = () => 8890 + Math.floor(Math.random() * 100);
const json = { 'content-type': 'application/json' };
const account = { email: 'bench@castio.example', password: 'correct horse battery staple' };

async function stop(child) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function seedSql(orgId, ownerId) {
  const q = (value) => `'${value}'`;
  const day = 86_400;
  return `
INSERT INTO users (id, org_id, email, name, role)
  WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 19)
  SELECT printf('H%025d', n), ${q(orgId)}, 'host' || n || '@bench.example', 'Host ' || n, 'host' FROM seq;
INSERT INTO meetings (id, org_id, rtk_meeting_id, title, slug, meeting_type, scheduling_type, status, created_by)
  WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 499)
  SELECT printf('M%025d', n), ${q(orgId)}, 'rtk-' || n, 'Meeting ' || n, 'bench-' || n,
         CASE n % 4 WHEN 0 THEN 'video' WHEN 1 THEN 'audio' WHEN 2 THEN 'webinar' ELSE 'livestream' END,
         'permanent', 'active', CASE WHEN n % 21 = 20 THEN ${q(ownerId)} ELSE printf('H%025d', n % 20) END FROM seq;
INSERT INTO sessions (id, org_id, meeting_id, rtk_session_id, rtk_meeting_id, status, started_at, ended_at, duration_seconds,
                      participant_count, peak_participant_count, total_participants, has_recording, has_transcript, has_summary, has_chat)
  WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < ${sessions - 1})
  SELECT printf('S%025d', n), ${q(orgId)}, printf('M%025d', n % 500), 'rtk-s-' || n, 'rtk-' || (n % 500), 'ended',
         strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (1 + (n * 7919) % (365 * ${day} - 7200)) || ' seconds'),
         strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (1 + (n * 7919) % (365 * ${day} - 7200) - 600 - n % 3000) || ' seconds'),
         600 + n % 3000, 0, 3 + n % 8, 10, n % 4 = 0, n % 3 = 0, n % 6 = 0, 1 FROM seq;
INSERT INTO session_participants (id, org_id, session_id, meeting_id, rtk_participant_id, custom_participant_id, display_name, is_guest, joined_at, left_at, duration_seconds)
  WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < ${sessions * 10 - 1})
  SELECT printf('P%025d', n), ${q(orgId)}, printf('S%025d', n / 10), printf('M%025d', (n / 10) % 500), 'peer-' || n,
         'person-' || (n % 5000), 'Person ' || (n % 5000), n % 3 = 0, NULL, NULL, 300 + n % 1200 FROM seq;
INSERT INTO recordings (id, org_id, meeting_id, session_id, rtk_recording_id, status, duration_seconds)
  WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 4 FROM seq WHERE n < ${sessions - 4})
  SELECT printf('R%025d', n), ${q(orgId)}, printf('M%025d', n % 500), printf('S%025d', n), 'rtk-r-' || n, 'uploaded', 500 + n % 2500 FROM seq;
INSERT INTO chat_messages (id, org_id, session_id, meeting_id, rtk_message_id, message_type, content, sent_at)
  WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < ${sessions * 2 - 1})
  SELECT printf('C%025d', n), ${q(orgId)}, printf('S%025d', n / 2), printf('M%025d', (n / 2) % 500), 'msg-' || n, 'text', 'hello', '2026-01-01T00:00:00.000Z' FROM seq;
`;
}

function d1Execute(file) {
  const result = spawnSync(
    join(root, 'node_modules', '.bin', 'wrangler'),
    [
      'd1',
      'execute',
      'DB',
      '--local',
      '-c',
      join(root, 'wrangler.platform.toml'),
      '--persist-to',
      stateDir,
      '--file',
      file,
      '--yes',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } },
  );
  if (result.status !== 0) {
    process.stderr.write(result.stdout);
    process.stderr.write(result.stderr);
    throw new Error('Seeding failed.');
  }
}

let server;
try {
  // 1. The org and its owner through the API.
  server = await startPlatformDev({ port: port(), persistTo: stateDir, quiet: true });
  const registered = await fetch(`${server.url}/api/auth/register`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ ...account, name: 'Bench', orgName: 'Bench', orgSlug: 'bench' }),
  });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status}`);
  const { org, user } = await registered.json();
  await stop(server.child);

  // 2. A year of synthetic data, straight into the local D1 (SQLite), while the Worker is stopped.
  const seedFile = join(stateDir, 'seed.sql');
  writeFileSync(seedFile, seedSql(org.id, user.id));
  const seedStarted = performance.now();
  d1Execute(seedFile);
  console.log(
    `seeded ${sessions.toLocaleString()} sessions, ${(sessions * 10).toLocaleString()} participant rows, ` +
      `${(sessions / 4).toLocaleString()} recordings, ${(sessions * 2).toLocaleString()} chat messages in ` +
      `${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
  );

  // 3. Measure: live (no rollups), then fire the nightly cron, then with rollups.
  server = await startPlatformDev({ port: port(), persistTo: stateDir, quiet: true, extraArgs: ['--test-scheduled'] });
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify(account),
  });
  const { accessToken } = await login.json();
  const auth = { authorization: `Bearer ${accessToken}` };
  const day = (offset) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
  const range = `from=${day(364)}&to=${day(0)}`;
  const get = (path) => () => fetch(`${server.url}${path}`, { headers: auth });
  const routes = [
    ['overview', `/api/analytics/overview?${range}`],
    ['usage (week)', `/api/analytics/usage?${range}&granularity=week`],
    ['meetings (top 25)', `/api/analytics/meetings?${range}`],
  ];
  const baseline = await measure('GET /api/health (bare route)', samples * 3, get('/api/health'));
  const live = [];
  for (const [name, path] of routes) live.push(await measure(`${name}, no rollups`, samples, get(path)));
  const liveOverview = await (await get(routes[0][1])()).json();

  const rollupStarted = performance.now();
  const cron = await fetch(`${server.url}/__scheduled?cron=${encodeURIComponent('0 3 * * *')}`);
  if (!cron.ok) throw new Error(`cron failed: ${cron.status}`);
  const rollupSeconds = (performance.now() - rollupStarted) / 1000;
  const rolledOverview = await (await get(routes[0][1])()).json();
  if (rolledOverview.source !== 'rollup+live') throw new Error(`rollups not used: ${rolledOverview.source}`);

  const rolled = [];
  for (const [name, path] of routes.slice(0, 2)) rolled.push(await measure(`${name}, rollups`, samples, get(path)));
  console.log();
  printTable([baseline, ...live, ...rolled], baseline);
  console.log();
  for (const [index, row] of rolled.entries()) {
    console.log(`${routes[index][0]}: rollups are ${(live[index].median / row.median).toFixed(1)}× faster (median)`);
  }
  console.log(`nightly rollup of 365 days took ${rollupSeconds.toFixed(1)} s`);
  const same = JSON.stringify(liveOverview.totals) === JSON.stringify(rolledOverview.totals);
  console.log(`totals identical with and without rollups: ${same}`, same ? '' : { liveOverview, rolledOverview });
  console.log(`sessions counted: ${rolledOverview.totals.sessions.toLocaleString()}`);
  if (!same) process.exitCode = 1;
} finally {
  if (server?.child && server.child.exitCode === null) await stop(server.child);
  rmSync(stateDir, { recursive: true, force: true });
}
