#!/usr/bin/env node
// RTK webhook ingest throughput on local workerd (wrangler dev, real D1): signed deliveries of whole sessions
// (started, 10 joins, 10 leaves, ended), sent with BENCH_CONCURRENCY in flight, 10% of them delivered twice.
// Reports events/s and latency percentiles against GET /api/health at the same concurrency in the same run, then
// checks zero loss: every distinct event stored and processed once, every session with exactly its participants.
// The signing key is made here; a small HTTP server plays RTK's /.well-known/webhooks.json.
// Usage: node scripts/bench/webhook-ingest.mjs   (env BENCH_SESSIONS, BENCH_CONCURRENCY)
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPlatformDev } from '../dev/platform-dev.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sessionCount = Number(process.env.BENCH_SESSIONS ?? 100);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const MEETINGS = 20;
const PEOPLE = 10;
const stateDir = mkdtempSync(join(tmpdir(), 'castio-bench-webhooks-'));
const port = () => 8990 + Math.floor(Math.random() * 100);
const json = { 'content-type': 'application/json' };
const account = { email: 'bench@castio.example', password: 'correct horse battery staple' };

const { publicKey, privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const keyServer = createServer((_request, response) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ success: true, data: { publicKey }, message: '' }));
});
await new Promise((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
const keysUrl = `http://127.0.0.1:${keyServer.address().port}`;

async function stop(child) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** The deliveries RTK would send for the sessions, in a plausible order (sessions interleaved). */
function buildDeliveries() {
  const base = Date.now() - 3_600_000;
  const perSession = [];
  for (let s = 0; s < sessionCount; s++) {
    const rtkMeetingId = `bench-rtk-${s % MEETINGS}`;
    const sessionId = `bench-sess-${s}-${randomUUID().slice(0, 8)}`;
    const at = (seconds) => new Date(base + s * 1000 + seconds * 1000).toISOString();
    const meeting = (ended) => ({
      id: rtkMeetingId,
      sessionId,
      title: 'Bench',
      roomName: 'r',
      status: 'LIVE',
      createdAt: at(0),
      startedAt: at(0),
      ...(ended ? { endedAt: at(1200) } : {}),
      organizedBy: { id: 'o', name: 'o' },
    });
    const events = [{ event: 'meeting.started', meeting: meeting(false) }];
    for (let p = 0; p < PEOPLE; p++) {
      const participant = {
        peerId: `${sessionId}-peer-${p}`,
        userDisplayName: `P${p}`,
        customParticipantId: `person-${p}`,
        joinedAt: at(10 + p),
      };
      events.push({ event: 'meeting.participantJoined', meeting: meeting(false), participant });
      events.push({
        event: 'meeting.participantLeft',
        meeting: meeting(false),
        participant: { ...participant, leftAt: at(600 + p * 30) },
      });
    }
    events.push({ event: 'meeting.ended', meeting: meeting(true), reason: 'ALL_PARTICIPANTS_LEFT' });
    perSession.push(events.map((payload) => ({ body: JSON.stringify(payload), uuid: randomUUID() })));
  }
  const deliveries = [];
  for (let index = 0; index < 2 + PEOPLE * 2; index++)
    for (const events of perSession) if (events[index]) deliveries.push(events[index]);
  const distinct = deliveries.length;
  for (let i = 0; i < distinct; i += 10) deliveries.push(deliveries[i]); // RTK redelivers some
  return { deliveries, distinct };
}

async function runConcurrently(tasks, limit) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const task = tasks[next++];
        const t0 = performance.now();
        const response = await task();
        await response.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { count: tasks.length, perSecond: tasks.length / seconds, p50: at(0.5), p99: at(0.99), seconds };
}

let server;
try {
  server = await startPlatformDev({ port: port(), persistTo: stateDir, quiet: true });
  const registered = await fetch(`${server.url}/api/auth/register`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ ...account, name: 'Bench', orgName: 'Bench', orgSlug: 'bench' }),
  });
  const { org, user } = await registered.json();
  await stop(server.child);
  const seed = join(stateDir, 'seed.sql');
  writeFileSync(
    seed,
    `INSERT INTO meetings (id, org_id, rtk_meeting_id, title, slug, meeting_type, scheduling_type, status, created_by)
       WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < ${MEETINGS - 1})
       SELECT printf('M%025d', n), '${org.id}', 'bench-rtk-' || n, 'Bench ' || n, 'bench-' || n, 'video', 'permanent', 'active', '${user.id}' FROM seq;`,
  );
  const seeded = spawnSync(
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
      seed,
      '--yes',
    ],
    { cwd: root, stdio: 'ignore', env: { ...process.env, CI: '1' } },
  );
  if (seeded.status !== 0) throw new Error('seeding meetings failed');
  server = await startPlatformDev({
    port: port(),
    persistTo: stateDir,
    quiet: true,
    vars: { RTK_WEBHOOK_KEYS_URL: keysUrl },
  });
  const { accessToken } = await (
    await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: json, body: JSON.stringify(account) })
  ).json();
  const auth = { authorization: `Bearer ${accessToken}` };

  const { deliveries, distinct } = buildDeliveries();
  const signed = deliveries.map(({ body, uuid }) => ({
    body,
    uuid,
    signature: sign('sha256', Buffer.from(body), privateKey).toString('base64'),
  }));
  const post = (delivery) => () =>
    fetch(`${server.url}/webhooks/rtk`, {
      method: 'POST',
      headers: { ...json, 'rtk-signature': delivery.signature, 'rtk-uuid': delivery.uuid, 'rtk-webhook-id': 'bench' },
      body: delivery.body,
    });
  // Warm up (key fetch, isolate), then the baseline and the run at the same concurrency.
  for (let i = 0; i < 5; i++) await (await fetch(`${server.url}/api/health`)).arrayBuffer();
  const baseline = await runConcurrently(
    Array.from({ length: signed.length }, () => () => fetch(`${server.url}/api/health`)),
    concurrency,
  );
  const ingest = await runConcurrently(signed.map(post), concurrency);

  // Processing runs after each 200 (waitUntil): wait until nothing is pending, then check the ledger.
  let stats;
  for (let attempt = 0; attempt < 300; attempt++) {
    stats = (await (await fetch(`${server.url}/api/diagnostics/webhooks?limit=1`, { headers: auth })).json()).last24h;
    if (stats.pending === 0 && stats.total >= distinct) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  let wrongSessions = 0;
  let sessionsSeen = 0;
  for (let m = 0; m < MEETINGS; m++) {
    const list = await (
      await fetch(`${server.url}/api/meetings/${`M${String(m).padStart(25, '0')}`}/sessions?limit=100`, {
        headers: auth,
      })
    ).json();
    for (const session of list.items) {
      sessionsSeen++;
      if (session.status !== 'ended' || session.totalParticipants !== PEOPLE || session.durationSeconds !== 1200)
        wrongSessions++;
    }
  }
  const fmt = (row) =>
    `${row.perSecond.toFixed(0).padStart(6)} req/s   p50 ${row.p50.toFixed(1).padStart(6)} ms   p99 ${row.p99.toFixed(1).padStart(6)} ms`;
  console.log(
    `deliveries: ${signed.length} (${distinct} distinct events, ${signed.length - distinct} redeliveries), concurrency ${concurrency}`,
  );
  console.log(`GET /api/health (baseline)  ${fmt(baseline)}`);
  console.log(`POST /webhooks/rtk          ${fmt(ingest)}   (${(ingest.p99 / baseline.p99).toFixed(1)}× baseline p99)`);
  console.log(`stored ${stats.total}/${distinct} distinct events, failed ${stats.failed}, pending ${stats.pending}`);
  console.log(`sessions: ${sessionsSeen}/${sessionCount} present, ${wrongSessions} with wrong rows`);
  const lost = distinct - stats.total;
  console.log(
    lost === 0 && stats.failed === 0 && wrongSessions === 0 && sessionsSeen === sessionCount
      ? 'zero loss: yes'
      : 'zero loss: NO',
  );
  if (lost !== 0 || stats.failed !== 0 || wrongSessions !== 0 || sessionsSeen !== sessionCount) process.exitCode = 1;
} finally {
  if (server?.child && server.child.exitCode === null) await stop(server.child);
  keyServer.close();
  rmSync(stateDir, { recursive: true, force: true });
}
