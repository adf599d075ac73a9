#!/usr/bin/env node
// Median/p95 latency of POST /api/auth/login and GET /api/auth/me on local workerd (wrangler dev),
// against GET /api/health, a bare Hono route in the same Worker, measured in the same run.
// Usage: npm run bench:auth   (env BENCH_REQUESTS overrides the sample size)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatformDev } from '../dev/platform-dev.ts';
import { measure, printTable } from './measure.mjs';

const port = 8790 + Math.floor(Math.random() * 100);
const stateDir = mkdtempSync(join(tmpdir(), 'castio-bench-'));
const samples = Number(process.env.BENCH_REQUESTS ?? 300);
const { url, child } = await startPlatformDev({ port, persistTo: stateDir, quiet: true });

try {
  const json = { 'content-type': 'application/json' };
  const account = { email: 'bench@castio.example', password: 'correct horse battery staple' };
  const registered = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ ...account, name: 'Bench', orgName: 'Bench', orgSlug: 'bench' }),
  });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${await registered.text()}`);
  const { accessToken } = await registered.json();
  let ip = 0;
  // Each login comes from its own address, like many users signing in: a network new to the account, the path that
  // takes (and gives back) every sign-in limit.
  const login = () =>
    fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { ...json, 'cf-connecting-ip': `198.19.${Math.floor(++ip / 250)}.${ip % 250}` },
      body: JSON.stringify(account),
    });
  const rows = [
    await measure('GET /api/health (bare route)', samples, () => fetch(`${url}/api/health`)),
    await measure('GET /api/auth/me', samples, () =>
      fetch(`${url}/api/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } }),
    ),
    await measure('POST /api/auth/login', Math.min(samples, 100), login),
  ];
  printTable(rows, rows[0]);
  console.log(`password check cost ≈ login median − me median = ${(rows[2].median - rows[1].median).toFixed(1)} ms`);
} finally {
  child.kill('SIGTERM');
  rmSync(stateDir, { recursive: true, force: true });
}
