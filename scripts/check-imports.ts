// `node --import tsx scripts/check-imports.ts`: fails when the repository's own modules import
// each other in a cycle (docs/ARCHITECTURE.md, "Layers and imports"). Run by `npm run check`.
//
// Type-only imports count: a cycle made of types still ties two layers together, and it is
// what a reader follows. Modules are resolved the way the compiler resolves them — the server's
// tsconfig.json (NodeNext, `.ts` imports as written) for everything outside web/, and
// web/tsconfig.json (Bundler, extensionless imports) for web/ — so an import the type checker
// accepts is an edge here. The layer rules themselves are ESLint's (eslint.config.js).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { repoRoot } from '../cluster/common/launch.ts';

interface Project {
  /** Files under this folder are resolved with this project's options. */
  dir: string;
  options: ts.CompilerOptions;
  files: string[];
}

function loadProject(tsconfig: string): Project {
  const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const dir = path.dirname(tsconfig);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dir);
  return { dir, options: parsed.options, files: parsed.fileNames.filter(isOwnSource) };
}

/** Our sources: not generated, not installed, not declaration files. */
function isOwnSource(file: string): boolean {
  const rel = path.relative(repoRoot, file);
  if (rel.startsWith('..') || /(^|[/\\])(node_modules|build|\.next)[/\\]/.test(rel)) return false;
  return /\.tsx?$/.test(file) && !file.endsWith('.d.ts');
}

/** Every module a file imports that is one of ours, type-only and dynamic imports included. */
function importsOf(file: string, project: Project): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const out = new Set<string>();
  for (const imported of info.importedFiles) {
    const resolved = ts.resolveModuleName(imported.fileName, file, project.options, ts.sys).resolvedModule;
    if (resolved && !resolved.isExternalLibraryImport && isOwnSource(resolved.resolvedFileName)) out.add(path.resolve(resolved.resolvedFileName));
  }
  return [...out];
}

/** Tarjan's strongly connected components; each of more than one module holds a cycle. */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component);
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** One path around a component, from its first module back to it, to show a person. */
function loopThrough(component: string[], graph: Map<string, string[]>): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const loop = [start];
        for (let u: string | undefined = v; u !== undefined && u !== start; u = cameFrom.get(u)) loop.splice(1, 0, u);
        return [...loop, start];
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return component;
}

function main(): number {
  const server = loadProject(path.join(repoRoot, 'tsconfig.json'));
  const web = loadProject(path.join(repoRoot, 'web', 'tsconfig.json'));
  const projectOf = (file: string): Project => (file.startsWith(web.dir + path.sep) ? web : server);
  const graph = new Map<string, string[]>();
  const pending = [...server.files, ...web.files].map((f) => path.resolve(f));
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (graph.has(file)) continue;
    const deps = importsOf(file, projectOf(file));
    graph.set(file, deps);
    pending.push(...deps.filter((d) => !graph.has(d)));
  }
  const found = cycles(graph);
  const rel = (f: string) => path.relative(repoRoot, f);
  for (const component of found) console.error(`import cycle: ${loopThrough(component, graph).map(rel).join(' → ')}`);
  if (found.length > 0) {
    console.error(`${found.length} import cycle(s) among ${graph.size} modules (docs/ARCHITECTURE.md, "Layers and imports").`);
    return 1;
  }
  console.log(`no import cycles among ${graph.size} modules`);
  return 0;
}

process.exitCode = main();
