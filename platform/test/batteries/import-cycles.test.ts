// The import graph of the product and its tools: no file-level cycle, and the packages depend one way
// (platform → shared; the local cloud on nothing of the product). Reads the sources, runs nothing.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SOURCE_ROOTS = ['platform/src', 'shared/src', 'scripts'];
/** What a relative or package specifier may leave out, tried in order (TypeScript's and Node's habits). */
const SUFFIXES = ['', '.ts', '.mts', '.mjs', '.js', '/index.ts', '/index.mjs', '/index.js'];

interface Import {
  specifier: string;
  typeOnly: boolean;
}

/** Every module specifier of a file: imports and re-exports (type-only included), `import()` and `import('x').T`. */
function importsOf(path: string, source: string): Import[] {
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, false);
  const found: Import[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name &&
            !!clause.namedBindings &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Tarjan's strongly connected components; those of more than one file, or of a file importing itself, are cycles. */
function cyclesOf(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.has(node)) cycles.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** One closed path through a cycle's files, for the failure message: `[a.ts, b.ts, a.ts]`. */
function pathThrough(component: string[], graph: Map<string, Set<string>>): string[] {
  const members = new Set(component);
  const start = component[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path: string[] = [];
        for (let at: string | undefined = node; at && at !== start; at = cameFrom.get(at)) path.unshift(at);
        return [start, ...path, start];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return component;
}

const exists = (path: string) => existsSync(join(ROOT, path)) && statSync(join(ROOT, path)).isFile();
const firstExisting = (base: string) =>
  SUFFIXES.map((suffix) => base + suffix).find(exists) ??
  // TypeScript's ESM habit: `./x.js` in source names `./x.ts`.
  (base.endsWith('.js') ? [base.replace(/\.js$/, '.ts')].find(exists) : undefined);

type Exports = string | { [key: string]: Exports };

/** `@castio/<name>[/<subpath>]` → the file its workspace's `exports` map names (`import`, then `default`). */
function workspaceResolver() {
  const { workspaces } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
  const packages = new Map<string, { dir: string; exports: Record<string, Exports> }>();
  for (const dir of workspaces) {
    const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
    const exports: Exports = manifest.exports ?? manifest.main ?? './index.js';
    packages.set(manifest.name, {
      dir,
      exports:
        typeof exports === 'string' || !Object.keys(exports).some((key) => key.startsWith('.'))
          ? { '.': exports }
          : (exports as Record<string, Exports>),
    });
  }
  const target = (entry: Exports | undefined): string | undefined =>
    entry === undefined || typeof entry === 'string'
      ? entry
      : target(entry.import ?? entry.default ?? entry.types ?? Object.values(entry)[0]);
  return (specifier: string): string | null | undefined => {
    const [scope, name, ...rest] = specifier.split('/');
    const workspace = packages.get(`${scope}/${name}`);
    if (!workspace) return undefined; // not ours: a dependency
    const subpath = rest.length ? `./${rest.join('/')}` : '.';
    let file = target(workspace.exports[subpath]);
    if (file === undefined) {
      for (const [pattern, entry] of Object.entries(workspace.exports)) {
        const [before, after] = pattern.split('*');
        if (after === undefined || !subpath.startsWith(before!) || !subpath.endsWith(after)) continue;
        file = target(entry)?.replace('*', subpath.slice(before!.length, subpath.length - after.length));
      }
    }
    return file === undefined ? null : (firstExisting(posix.join(workspace.dir, file)) ?? null);
  };
}

function buildGraph() {
  const listed = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '--', ...SOURCE_ROOTS],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const files = listed
    .split('\n')
    .filter((path) => /\.(ts|mjs)$/.test(path) && exists(path))
    .sort();
  const resolveWorkspace = workspaceResolver();
  const graph = new Map<string, Set<string>>();
  const edges: { from: string; to: string; typeOnly: boolean }[] = [];
  const unresolved: string[] = [];
  for (const from of files) {
    const targets = new Set<string>();
    for (const { specifier, typeOnly } of importsOf(from, readFileSync(join(ROOT, from), 'utf8'))) {
      let to: string | null | undefined;
      if (specifier.startsWith('.')) to = firstExisting(posix.join(posix.dirname(from), specifier)) ?? null;
      else if (specifier.startsWith('@castio/')) to = resolveWorkspace(specifier);
      if (to === undefined) continue;
      if (to === null) {
        unresolved.push(`${from}: '${specifier}'`);
        continue;
      }
      targets.add(to);
      edges.push({ from, to, typeOnly });
    }
    graph.set(from, targets);
  }
  return { files, graph, edges, unresolved };
}

const { files, graph, edges, unresolved } = buildGraph();
const isTest = (path: string) => /\.test\.(ts|mjs)$/.test(path);
const under = (path: string, folder: string) => path.startsWith(`${folder}/`);

describe('the import graph (platform/src, shared/src, scripts)', () => {
  it('is read from the repository and every relative or @castio/* import names a file', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('platform/src/index.ts');
    expect(edges.some(({ to }) => under(to, 'shared'))).toBe(true);
    expect(unresolved, 'imports that resolve to no file').toEqual([]);
  });

  it('has no file-level import cycle (type-only imports count too)', () => {
    const typeOnly = (from: string, to: string) =>
      edges.filter((edge) => edge.from === from && edge.to === to).every((edge) => edge.typeOnly);
    const cycles = cyclesOf(graph).map((component) =>
      pathThrough(component, graph).reduce((line, file, i, path) =>
        i === 0 ? file : `${line} ${typeOnly(path[i - 1]!, file) ? '→ (type)' : '→'} ${file}`,
      ),
    );
    expect(cycles, `import cycles:\n${cycles.join('\n')}`).toEqual([]);
  });

  it('shared imports nothing of the platform or the scripts (its Node tests may start the local cloud)', () => {
    const wrong = edges.filter(
      ({ from, to }) =>
        under(from, 'shared') &&
        (under(to, 'platform') || (under(to, 'scripts') && !(isTest(from) && under(to, 'scripts/local-cloud')))),
    );
    expect(wrong.map(({ from, to }) => `${from} → ${to}`)).toEqual([]);
  });

  it('the local cloud imports nothing outside its own package, so nothing of the product', () => {
    const wrong = edges.filter(
      ({ from, to }) => under(from, 'scripts/local-cloud') && !under(to, 'scripts/local-cloud'),
    );
    expect(wrong.map(({ from, to }) => `${from} → ${to}`)).toEqual([]);
  });
});

describe('cyclesOf', () => {
  const graphOf = (edgeList: Record<string, string[]>) =>
    new Map(Object.entries(edgeList).map(([node, next]) => [node, new Set(next)]));

  it('names the files of each cycle, and only those', () => {
    const g = graphOf({ a: ['b'], b: ['c'], c: ['a', 'd'], d: ['e'], e: ['d'], f: ['a'], s: ['s'], t: [] });
    expect(cyclesOf(g)).toEqual([['a', 'b', 'c'], ['d', 'e'], ['s']]);
    expect(pathThrough(['a', 'b', 'c'], g)).toEqual(['a', 'b', 'c', 'a']);
    expect(pathThrough(['s'], g)).toEqual(['s', 's']);
    expect(cyclesOf(graphOf({ a: ['b'], b: ['c'], c: [] }))).toEqual([]);
  });
});
