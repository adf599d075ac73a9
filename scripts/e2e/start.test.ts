import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descendantsOf, isRunning } from './processes';

/** `npm start` for real: the local cloud, then the platform wired to it, on free ports and a throwaway state folder. */

interface StartProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function runStart(env: Record<string, string>, args: string[] = []): StartProcess {
  const child = spawn(process.execPath, ['scripts/start.mjs', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Resolves once `text` has been printed; fails as soon as the process ends without printing it. */
async function printed(start: StartProcess, text: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (!start.output().includes(text)) return;
      start.child.stdout?.off('data', check);
      resolve();
    };
    start.child.stdout?.on('data', check);
    start.exited.then((code) =>
      reject(new Error(`npm start exited (${code}) before printing "${text}":\n${start.output()}`)),
    );
    check();
  });
}

async function listening(port = 0): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

async function freePort(): Promise<number> {
  const server = await listening();
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const OWNER_EMAIL = 'start@castio.example';
const OWNER_PASSWORD = 'correct horse battery staple';

async function registerOwner(platformUrl: string): Promise<string> {
  const response = await fetch(`${platformUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: OWNER_EMAIL,
      password: OWNER_PASSWORD,
      name: 'Start',
      orgName: 'Start',
      orgSlug: 'start',
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

async function login(platformUrl: string): Promise<string> {
  const response = await fetch(`${platformUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: OWNER_EMAIL, password: OWNER_PASSWORD }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

describe('npm start', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'castio-start-'));
  let platformUrl: string;
  let cloudUrl: string;
  let start: StartProcess;

  beforeAll(async () => {
    const [platformPort, cloudPort] = [await freePort(), await freePort()];
    platformUrl = `http://127.0.0.1:${platformPort}`;
    cloudUrl = `http://127.0.0.1:${cloudPort}`;
    start = runStart({ PORT: String(platformPort), LOCAL_CLOUD_PORT: String(cloudPort) }, ['--state-dir', stateDir]);
    await printed(start, 'Ctrl-C stops everything.');
  });

  afterAll(async () => {
    if (start?.child.exitCode === null) {
      start.child.kill('SIGTERM');
      await start.exited;
    }
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('prints where everything is and the API token to paste', () => {
    const credentials = JSON.parse(readFileSync(join(stateDir, 'local-cloud-credentials.json'), 'utf8'));
    expect(start.output()).toContain(`Platform              ${platformUrl}`);
    expect(start.output()).toContain(`${platformUrl}/api/docs`);
    expect(start.output()).toContain(`Local cloud           ${cloudUrl}`);
    expect(start.output()).toContain(`${cloudUrl}/__local/mail`);
    expect(start.output()).toContain(`Cloudflare API token  ${credentials.token}`);
    expect(start.output()).toContain(`npm run session -- --meeting <RealtimeKit meeting id> --url ${cloudUrl}`);
  });

  it("serves the platform, whose RTK probe reaches the local cloud's RealtimeKit", async () => {
    expect((await fetch(`${platformUrl}/api/health`)).ok).toBe(true);
    const accessToken = await registerOwner(platformUrl);
    const health = await fetch(`${platformUrl}/api/diagnostics/health`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const report = (await health.json()) as { checks: { rtk: { ok: boolean; skipped?: boolean } } };
    expect(report.checks.rtk).toMatchObject({ ok: true });
    expect(report.checks.rtk.skipped).toBeUndefined();
  });

  it('has the platform register its RTK webhook at the local cloud before saying it is ready', async () => {
    const { apiBase, accountId, rtkAppId, token } = JSON.parse(
      readFileSync(join(stateDir, 'local-cloud-credentials.json'), 'utf8'),
    );
    const response = await fetch(`${apiBase}/accounts/${accountId}/realtime/kit/${rtkAppId}/webhooks`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { data } = (await response.json()) as { data: { url: string; enabled: boolean }[] };
    expect(data).toContainEqual(expect.objectContaining({ url: `${platformUrl}/webhooks/rtk`, enabled: true }));
  });

  it('answers 50 guest joins and 20 logins at once in the envelope, never a 5xx, with the guest cap held', async () => {
    // Issue 9 finding 6: a 503 "Your worker restarted mid-request" here comes only from wrangler dev's proxy,
    // when a source file changes mid-request (README, "Tests").
    const auth = { 'content-type': 'application/json', authorization: `Bearer ${await login(platformUrl)}` };
    const created = await fetch(`${platformUrl}/api/meetings`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        schedulingType: 'instant',
        title: 'Flood',
        guestAccess: 'open',
        waitingRoomEnabled: false,
        maxParticipants: 20,
      }),
    });
    const meeting = (await created.json()) as { id: string };
    const post = (path: string, body: unknown, ip: string) =>
      fetch(`${platformUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip },
        body: JSON.stringify(body),
      });
    const guests = Array.from({ length: 50 }, (_, i) =>
      post(`/api/meetings/${meeting.id}/guest-join`, { displayName: `Guest ${i}` }, `198.51.100.${i + 1}`),
    );
    const logins = Array.from({ length: 20 }, (_, i) =>
      post('/api/auth/login', { email: OWNER_EMAIL, password: OWNER_PASSWORD }, `203.0.113.${i + 1}`),
    );
    const answers = await Promise.all([...guests, ...logins]);
    const statuses = answers.map((response) => response.status);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    for (const response of answers.filter((answer) => answer.status !== 200)) {
      expect(response.status).toBe(429);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await response.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    // Half the 20 seats may go to guests (maxGuests unset).
    expect(statuses.slice(0, 50).filter((status) => status === 200).length).toBeLessThanOrEqual(10);
  });

  it('stops everything on SIGTERM: exit code 0, no process left behind', async () => {
    const started = descendantsOf(start.child.pid!);
    expect(started.length).toBeGreaterThan(2); // wrangler, workerd, esbuild, …
    start.child.kill('SIGTERM');
    expect(await start.exited).toBe(0);
    expect(started.filter(isRunning)).toEqual([]);
  });
});

describe('npm start on a taken port', () => {
  it('says which port is taken and exits non-zero without starting anything', async () => {
    const taken = await listening();
    const { port } = taken.address() as { port: number };
    try {
      const start = runStart({ PORT: String(port), LOCAL_CLOUD_PORT: String(await freePort()) });
      expect(await start.exited).toBe(1);
      expect(start.output()).toContain(`Port ${port} is already in use, so the platform cannot start there.`);
      expect(start.output()).toContain('PORT=<port>');
    } finally {
      taken.close();
    }
  });
});
