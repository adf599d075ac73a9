import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PLATFORM_SRC = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The Worker's own source files (tests and test kits build no statements of the Worker). */
const workerSources = () =>
  readdirSync(PLATFORM_SRC, { recursive: true, encoding: 'utf8' }).filter(
    (path) => path.endsWith('.ts') && !/\.test\.ts$|\.testkit\.ts$|\.d\.ts$/.test(path),
  );

/**
 * SQL that spells a list out as one `?` per item (`IN (${…})`, multi-row `VALUES ${…}`): D1 binds at most 100
 * parameters per statement, so such a statement fails once the list is long. `inList` (sql.ts) binds the
 * list as one parameter instead.
 */
const EXPANDED_LISTS = [/\bIN\s*\(\s*\$\{/i, /\bVALUES\s*\$\{/i];

describe('statements built from lists', () => {
  it('bind a list as one parameter, never one placeholder per item', () => {
    const paths = workerSources();
    expect(paths.length).toBeGreaterThan(50);
    const offenders = paths.flatMap((path) =>
      readFileSync(join(PLATFORM_SRC, path), 'utf8')
        .split('\n')
        .flatMap((line, index) =>
          EXPANDED_LISTS.some((pattern) => pattern.test(line)) ? [`${path}:${index + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(offenders).toEqual([]);
  });
});
