import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PLATFORM_SRC = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Where a D1 statement may be prepared: a domain's `queries.ts`, the database helpers, and tests and test kits
 * (which set up and inspect rows the Worker's own statements then work on).
 */
const MAY_PREPARE = [/(^|\/)queries\.ts$/, /^database\//, /\.test\.ts$/, /\.testkit\.ts$/];

const sourceFiles = () =>
  readdirSync(PLATFORM_SRC, { recursive: true, encoding: 'utf8' }).filter(
    (path) => path.endsWith('.ts') && !path.endsWith('.d.ts'),
  );

const preparesIn = (path: string) =>
  readFileSync(join(PLATFORM_SRC, path), 'utf8')
    .split('\n')
    .flatMap((line, index) => (/\.prepare\(/.test(line) ? [`${path}:${index + 1}: ${line.trim()}`] : []));

describe('SQL placement', () => {
  it("prepares D1 statements only in a domain's queries.ts", () => {
    const paths = sourceFiles();
    expect(paths.length).toBeGreaterThan(50);
    const offenders = paths.filter((path) => !MAY_PREPARE.some((allowed) => allowed.test(path))).flatMap(preparesIn);
    expect(offenders).toEqual([]);
  });

  it('catches a statement prepared in a service file', () => {
    const line = "  const row = await env.DB.prepare('SELECT 1').first();";
    expect(/\.prepare\(/.test(line)).toBe(true);
    expect(MAY_PREPARE.some((allowed) => allowed.test('meetings/service.ts'))).toBe(false);
    expect(MAY_PREPARE.some((allowed) => allowed.test('meetings/queries.ts'))).toBe(true);
    expect(MAY_PREPARE.some((allowed) => allowed.test('org/settings-queries.ts'))).toBe(false);
  });
});
