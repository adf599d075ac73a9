#!/usr/bin/env node
// Median/p99 latency of POST /api/meetings/{id}/join on local workerd (wrangler dev, real D1, the RateLimiter
// Durable Object) with RealtimeKit played by the local cloud, against references measured in the same run:
//
//   bare D1 writes   a separate Worker (join-baseline-worker.ts, join-baseline.wrangler.toml) whose one route runs
//                    the join's two D1 writes with the platform's own functions: the seat INSERT…SELECT
//                    (reserveSeat) and the participant_events UPDATE (attachParticipantStatement). It is served by
//                    `wrangler dev` like the platform (same wrangler, workerd, compatibility settings, local D1,
//                    migrations/platform), so both pay the same HTTP/proxy hop and the same D1 simulation; its
//                    table grows by one seat per request exactly as the platform's does. Miniflare driven from
//                    Node would skip wrangler's proxy Worker and flatter the baseline. No benchmark route goes
//                    into the product.
//   GET /api/health  the platform's bare Hono route: the cost of reaching the platform Worker at all.
//   RTK add          POST …/meetings/{rtkId}/participants straight to the local cloud, as the join sends it: the
//                    RealtimeKit round trip inside every join.
//
// So join − RTK add − bare D1 writes ≈ our own work besides those writes (auth, meeting and settings reads, the
// rate-limit Durable Object, the preset fingerprint check, the meeting re-read, the response).
// Members re-join round-robin: a re-join by someone already seated does all the work of a first join (rate-limit
// hit, seat INSERT…SELECT, RTK participant add, D1 update) without registering hundreds of accounts (argon2id).
// Usage: npm run bench:join   (env BENCH_REQUESTS sample size, default 250; BENCH_MEMBERS, default 10)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { linkToStartedCloud, platformVarsFor } from '../dev/local-cloud-link.ts';
import { startPlatformDev } from '../dev/platform-dev.ts';
import { startLocalCloud } from '@castio/local-cloud';
import { measureInterleaved, printTable } from './measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const wrangler = join(root, 'node_modules', '.bin', 'wrangler');
const BASELINE_CONFIG = join(root, 'scripts', 'bench', 'join-baseline.wrangler.toml');
const samples = Number(process.env.BENCH_REQUESTS ?? 250);
const memberCount = Number(process.env.BENCH_MEMBERS ?? 10);
const json = { 'content-type': 'application/json' };
const PASSWORD = 'correct horse battery staple';
const randomPort = (base) => base + Math.floor(Math.random() * 100);

/** Every sign-up from its own address, so the per-IP sign-up limit (3/hour) never answers 429. */
let lastIp = 0;
const freshIp = () => `198.18.${Math.floor(++lastIp / 250)}.${lastIp % 250}`;

async function expectStatus(response, status, what) {
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** `wrangler dev` for the baseline Worker on a migrated, seeded local D1 of its own; `stop()` ends its group. */
async function startBaselineWorker(port, persistTo) {
  const migrate = spawnSync(
    wrangler,
    ['d1', 'migrations', 'apply', 'DB', '--local', '-c', BASELINE_CONFIG, '--persist-to', persistTo],
    { cwd: root, encoding: 'utf8', env: { ...process.env, CI: '1' } },
  );
  if (migrate.status !== 0) throw new Error(`baseline migrations failed:\n${migrate.stdout}${migrate.stderr}`);
  const child = spawn(
    wrangler,
    ['dev', '-c', BASELINE_CONFIG, '--ip', '127.0.0.1', '--port', String(port), '--persist-to', persistTo],
    // Its own process group, so stopping it also stops the workerd it starts.
    { cwd: root, detached: true, stdio: 'ignore', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return; // already gone
    }
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(`${url}/ready`, child);
    await expectStatus(await fetch(`${url}/seed`, { method: 'POST' }), 200, 'seed the baseline D1');
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

async function waitUntilReady(url, child) {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`wrangler dev (baseline) exited with code ${child.exitCode}`);
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`The baseline Worker did not answer at ${url} within a minute.`);
}

/** The org's owner, with the join limit raised so a few hundred joins a minute into one meeting are not 429s. */
async function registerOwner(platform) {
  const response = await fetch(`${platform}/api/auth/register`, {
    method: 'POST',
    headers: { ...json, 'cf-connecting-ip': freshIp() },
    body: JSON.stringify({
      email: 'owner@bench.example',
      password: PASSWORD,
      name: 'Owner',
      orgName: 'Bench',
      orgSlug: 'bench',
    }),
  });
  const { accessToken } = await expectStatus(response, 201, 'register the owner');
  const auth = { authorization: `Bearer ${accessToken}` };
  const settings = await fetch(`${platform}/api/org/settings`, {
    method: 'PATCH',
    headers: { ...json, ...auth },
    body: JSON.stringify({ rateLimitJoinsPerMinute: 10_000 }),
  });
  await expectStatus(settings, 200, 'raise rateLimitJoinsPerMinute');
  return auth;
}

/** Invited members (the plain `member` role), each signed up from its own address. */
async function registerMembers(platform, ownerAuth) {
  const members = [];
  for (let i = 0; i < memberCount; i++) {
    const email = `member${i}@bench.example`;
    const invited = await fetch(`${platform}/api/users/invites`, {
      method: 'POST',
      headers: { ...json, ...ownerAuth },
      body: JSON.stringify({ email, role: 'member' }),
    });
    const { token } = await expectStatus(invited, 201, `invite ${email}`);
    const registered = await fetch(`${platform}/api/auth/register`, {
      method: 'POST',
      headers: { ...json, 'cf-connecting-ip': freshIp() },
      body: JSON.stringify({ email, password: PASSWORD, name: `Member ${i}`, inviteToken: token }),
    });
    const { accessToken, user } = await expectStatus(registered, 201, `register ${email}`);
    members.push({ userId: user.id, authorization: `Bearer ${accessToken}` });
  }
  return members;
}

/** An instant meeting nobody is turned away from; the owner's first join provisions the RTK presets. */
async function createMeeting(platform, ownerAuth) {
  const created = await fetch(`${platform}/api/meetings`, {
    method: 'POST',
    headers: { ...json, ...ownerAuth },
    body: JSON.stringify({ schedulingType: 'instant', title: 'Join bench', maxParticipants: 10_000 }),
  });
  const meeting = await expectStatus(created, 201, 'create the meeting');
  const joined = await fetch(`${platform}/api/meetings/${meeting.id}/join`, { method: 'POST', headers: ownerAuth });
  const { rtkMeetingId } = await expectStatus(joined, 200, 'first join (provisions presets)');
  return { id: meeting.id, rtkMeetingId };
}

/** Cycles through the members, so every call of the returned function uses the next one. */
function roundRobin(members) {
  let next = 0;
  return () => members[next++ % members.length];
}

/** The requests measured, each a function making one call; every answer must be 2xx. */
function benchRequests({ platform, baseline, rtk, meeting, members }) {
  const baselineMember = roundRobin(members);
  const rtkMember = roundRobin(members);
  const joinMember = roundRobin(members);
  const participantsUrl =
    `${rtk.apiBase}/accounts/${rtk.accountId}/realtime/kit/${rtk.appId}` +
    `/meetings/${encodeURIComponent(meeting.rtkMeetingId)}/participants`;
  return {
    bareWrites: () => fetch(`${baseline}/seat?user=${baselineMember().userId}`, { method: 'POST' }),
    health: () => fetch(`${platform}/api/health`),
    // The body and headers the platform's RTK client sends for a member's join.
    rtkAdd: () => {
      const { userId } = rtkMember();
      return fetch(participantsUrl, {
        method: 'POST',
        headers: { ...json, accept: 'application/json', authorization: `Bearer ${rtk.token}` },
        body: JSON.stringify({
          name: 'Member',
          preset_name: 'video_participant',
          custom_participant_id: `user:${userId}`,
        }),
      });
    },
    join: () =>
      fetch(`${platform}/api/meetings/${meeting.id}/join`, {
        method: 'POST',
        headers: { authorization: joinMember().authorization },
      }),
  };
}

async function run(platform, baseline, cloud) {
  const ownerAuth = await registerOwner(platform);
  const members = await registerMembers(platform, ownerAuth);
  const meeting = await createMeeting(platform, ownerAuth);
  const request = benchRequests({ platform, baseline, rtk: cloud.rtk, meeting, members });
  const rows = await measureInterleaved(samples, [
    { name: 'bare D1 writes (baseline Worker)', request: request.bareWrites },
    { name: 'GET /api/health', request: request.health },
    { name: 'RTK participant add (local cloud)', request: request.rtkAdd },
    { name: 'POST /api/meetings/{id}/join', request: request.join },
  ]);
  printTable(rows, rows[0]);
  const [bare, , rtkAdd, joinRow] = rows;
  const ownWork = joinRow.median - rtkAdd.median - bare.median;
  console.log(
    `join median ${joinRow.median.toFixed(1)} ms = RTK add ${rtkAdd.median.toFixed(1)} + bare D1 writes ` +
      `${bare.median.toFixed(1)} + the rest of our work ≈ ${ownWork.toFixed(1)} ms ` +
      `(${memberCount} members re-joining round-robin, ${samples} joins)`,
  );
}

/**
 * The local cloud, the baseline Worker and the platform, booting side by side (the platform's RTK settings wait
 * for the cloud, as under `npm start`). Whatever started goes into `stops`, also when another part failed.
 */
async function startAll(stateDir, stops) {
  const tracked = (promise) =>
    promise.then((service) => {
      stops.push(() => service.stop());
      return service;
    });
  const platformPort = randomPort(9090);
  const cloud = tracked(startLocalCloud({ port: 0, stateDir: join(stateDir, 'local-cloud'), reset: true }));
  const baseline = tracked(startBaselineWorker(randomPort(9190), join(stateDir, 'baseline')));
  const platform = tracked(
    startPlatformDev({
      port: platformPort,
      persistTo: join(stateDir, 'platform'),
      quiet: true,
      handleSignals: false,
      vars: cloud.then((started) => platformVarsFor(linkToStartedCloud(started), `http://127.0.0.1:${platformPort}`)),
    }),
  );
  const outcomes = await Promise.allSettled([cloud, baseline, platform]);
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return { cloud: await cloud, baseline: await baseline, platform: await platform };
}

const stateDir = mkdtempSync(join(tmpdir(), 'castio-bench-join-'));
const stops = [];
try {
  const { cloud, baseline, platform } = await startAll(stateDir, stops);
  await run(platform.url, baseline.url, cloud);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  for (const stop of stops.reverse()) await stop();
  rmSync(stateDir, { recursive: true, force: true });
}
