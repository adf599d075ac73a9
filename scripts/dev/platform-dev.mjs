import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const wrangler = join(root, 'node_modules', '.bin', 'wrangler');
const config = join(root, 'wrangler.platform.toml');
const defaultPersistTo = join(root, '.wrangler', 'state');

/** Dev secrets are random per checkout and kept beside the local state, never committed. */
function devSecrets() {
  const file = join(root, '.wrangler', 'castio-dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  mkdirSync(dirname(file), { recursive: true });
  const secrets = { JWT_SECRET: randomBytes(32).toString('hex') };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export function applyPlatformMigrations(persistTo = defaultPersistTo) {
  const result = spawnSync(
    wrangler,
    ['d1', 'migrations', 'apply', 'DB', '--local', '-c', config, '--persist-to', persistTo],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } },
  );
  if (result.status !== 0) {
    process.stderr.write(result.stdout);
    process.stderr.write(result.stderr);
    throw new Error('Applying platform migrations failed (see output above).');
  }
}

/**
 * Starts `wrangler dev` for the platform; resolves once it answers. `persistTo` picks the local D1/KV/R2
 * state folder (benchmarks use a fresh one), `quiet` skips the banner.
 */
export async function startPlatformDev({ port, vars = {}, persistTo = defaultPersistTo, quiet = false, extraArgs = [] }) {
  applyPlatformMigrations(persistTo);
  const varArgs = Object.entries({ ...devSecrets(), ENVIRONMENT: 'development', ...vars }).flatMap(([name, value]) => [
    '--var',
    `${name}:${value}`,
  ]);
  const child = spawn(
    wrangler,
    [
      'dev',
      '-c',
      config,
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
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
  );
  child.stderr.on('data', (chunk) => process.stderr.write(chunk));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilServing(`${url}/api/health`, child);
  if (!quiet) console.log(`Castio platform: ${url}  (API docs: ${url}/api/docs)`);
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return { url, child };
}

async function waitUntilServing(url, child) {
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
