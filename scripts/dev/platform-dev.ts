import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { assertPortFree } from './ports.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const wrangler = join(root, 'node_modules', '.bin', 'wrangler');
export const PLATFORM_CONFIG = join(root, 'wrangler.platform.toml');
const defaultPersistTo = join(root, '.wrangler', 'state');

export interface PlatformDevOptions {
  port: number;
  /** Extra vars and secrets; a promise is awaited after the migrations ran. */
  vars?: Record<string, string> | Promise<Record<string, string>>;
  persistTo?: string;
  /** Skip the one-line banner (default false). */
  quiet?: boolean;
  /** More `wrangler dev` arguments, e.g. `--test-scheduled` (benchmarks fire crons). */
  extraArgs?: string[];
  /** Pass wrangler's output (request logs, the Worker's console) through once it serves; default `!quiet`. */
  workerLogs?: boolean;
  /** Stop it on SIGINT/SIGTERM (default true); pass false to call `stop()` yourself. */
  handleSignals?: boolean;
}

export interface PlatformDev {
  url: string;
  child: ChildProcess;
  /** Stops wrangler and everything it started (workerd, esbuild); resolves once wrangler has exited. */
  stop: () => Promise<void>;
  /** Resolves with wrangler's exit code when it ends, for whatever reason. */
  exited: Promise<number | null>;
}

/** Dev secrets are random per checkout and kept beside the local state, never committed. */
function devSecrets(): Record<string, string> {
  const file = join(root, '.wrangler', 'castio-dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  mkdirSync(dirname(file), { recursive: true });
  const secrets = { JWT_SECRET: randomBytes(32).toString('hex') };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export function applyPlatformMigrations(persistTo = defaultPersistTo): void {
  const result = spawnSync(
    wrangler,
    ['d1', 'migrations', 'apply', 'DB', '--local', '-c', PLATFORM_CONFIG, '--persist-to', persistTo],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } },
  );
  if (result.status !== 0) {
    process.stderr.write(result.stdout);
    process.stderr.write(result.stderr);
    throw new Error('Applying platform migrations failed (see output above).');
  }
}

/**
 * Starts `wrangler dev` for the platform; resolves once it answers. `vars` may be a promise, awaited after the
 * migrations so that what it waits for (the local cloud) boots meanwhile. `persistTo` picks the local D1/KV/R2
 * state folder (benchmarks use a fresh one), `quiet` skips the banner, `workerLogs` passes wrangler's output
 * (request logs, the Worker's console) through once it serves, `handleSignals` stops it on Ctrl-C/SIGTERM
 * (callers that stop several things pass false and call `stop()` themselves).
 */
export async function startPlatformDev({
  port,
  vars = {},
  persistTo = defaultPersistTo,
  quiet = false,
  extraArgs = [],
  workerLogs = !quiet,
  handleSignals = true,
}: PlatformDevOptions): Promise<PlatformDev> {
  await assertPortFree(port, { what: 'the platform', envName: 'PORT' });
  applyPlatformMigrations(persistTo);
  const varArgs = Object.entries({ ...devSecrets(), ENVIRONMENT: 'development', ...(await vars) }).flatMap(
    ([name, value]) => ['--var', `${name}:${value}`],
  );
  const child = spawn(
    wrangler,
    [
      'dev',
      '-c',
      PLATFORM_CONFIG,
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--persist-to',
      persistTo,
      '--show-interactive-dev-session=false',
      ...varArgs,
      ...extraArgs,
    ],
    // Its own process group, so stopping it also stops the workerd and esbuild processes wrangler starts.
    {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    },
  );
  child.stderr.on('data', (chunk) => process.stderr.write(chunk));
  const startupOutput = holdBack(child.stdout);
  const { stop, exited } = processGroupControl(child);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(`${url}/api/health`, child);
  } catch (error) {
    process.stderr.write(startupOutput.text());
    await stop();
    throw error;
  }
  startupOutput.release(workerLogs);
  if (!quiet) console.log(`Castio platform: ${url}  (API docs: ${url}/api/docs)`);
  if (handleSignals) {
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  }
  return { url, child, stop, exited };
}

/** wrangler's startup chatter is kept back (shown only when it fails to start); afterwards, it passes or drains. */
function holdBack(stream: Readable) {
  const chunks: Buffer[] = [];
  const keep = (chunk: Buffer) => chunks.push(chunk);
  stream.on('data', keep);
  return {
    text: () => Buffer.concat(chunks).toString(),
    release(forward: boolean) {
      stream.off('data', keep);
      chunks.length = 0;
      // Never left unread: a full pipe would block wrangler on its next log line.
      if (forward) stream.on('data', (chunk) => process.stdout.write(chunk));
      else stream.resume();
    },
  };
}

/**
 * SIGTERM to the whole group, SIGKILL for whatever is left once wrangler is gone (or after 5 s), so no workerd
 * outlives it. If this process exits first, the group still gets its SIGTERM.
 */
function processGroupControl(child: ChildProcess) {
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return; // it never started
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is already gone
    }
  };
  const terminateOnExit = () => signalGroup('SIGTERM');
  process.on('exit', terminateOnExit);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.off('exit', terminateOnExit);
      resolve(code);
    }),
  );
  const stop = async () => {
    signalGroup('SIGTERM');
    const deadline = setTimeout(() => signalGroup('SIGKILL'), 5000);
    await exited;
    clearTimeout(deadline);
    signalGroup('SIGKILL');
  };
  return { stop, exited };
}

async function waitUntilServing(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`The platform did not answer at ${url} within 2 minutes.`);
}
