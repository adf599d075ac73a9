import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import type { ApiDocument } from '../api-types';

/** Redocly's CLI, run with this Node; it lints a file offline (redocly.yaml: the built-in recommended rules). */
const REDOCLY_CLI = join(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin/cli.js');
const workDir = mkdtempSync(join(tmpdir(), 'castio-openapi-lint-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
}

async function lint(document: unknown) {
  const file = join(workDir, 'openapi.json');
  writeFileSync(file, JSON.stringify(document, null, 1));
  const run = spawnSync(process.execPath, [REDOCLY_CLI, 'lint', file, '--format=json', '--config', 'redocly.yaml'], {
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  const report = JSON.parse(run.stdout) as { totals: { errors: number }; problems: LintProblem[] };
  const errors = report.problems
    .filter((problem) => problem.severity === 'error')
    .map((problem) => `${problem.ruleId} at ${problem.location[0]?.pointer}: ${problem.message}`);
  return { errors, totals: report.totals };
}

describe('the OpenAPI document under Redocly lint', () => {
  it('has no errors', async () => {
    const document = await (await createApp().request('/api/openapi.json')).json();
    const { errors, totals } = await lint(document);
    expect(errors).toEqual([]);
    expect(totals.errors).toBe(0);
  });

  it('reports what the document had before (no servers, public operations without security)', async () => {
    const document = (await (await createApp().request('/api/openapi.json')).json()) as ApiDocument;
    delete document.servers;
    delete document.paths['/api/auth/login']?.post?.security;
    const { errors } = await lint(document);
    expect(errors).toEqual([
      expect.stringMatching(/^no-empty-servers /),
      expect.stringMatching(/^security-defined at #\/paths\/~1api~1auth~1login\/post/),
    ]);
  });
});
