// The one build step of `npm start` (and of `npm run kvs`, `coordinator`, `lb`, `mail`, `web`,
// through npm's pre-scripts): the web app (`next build`, web/build.ts) and the server code — the
// supervisor and every process it starts — compiled by tsc (tsconfig.build.json: type-stripped,
// `.ts` imports rewritten to `.js`, source maps) into build/server/, which mirrors the source tree.
// So 17 processes start as plain JavaScript instead of each loading a TypeScript loader (tsx).
// tsc rather than esbuild: the sources import each other with `.ts` extensions, which tsc's
// rewriteRelativeImportExtensions turns into `.js`; esbuild rewrites paths only when it bundles,
// and a bundle would change what `import.meta.url` means to the modules that locate files by it.
//
//   node --import tsx scripts/build.ts             builds both, unconditionally (`npm run build`)
//   node --import tsx scripts/build.ts --if-stale  builds what is missing or older than its sources
//   … --if-stale --server-only                     the same without the web app (storage nodes,
//                                                  coordinators, balancer and mail need no Next)
//
// Compiled code finds files by its own location as it does in the tree (the proto files,
// cluster/common/grpc.ts; the web app's build and config, web/main.ts), so build/server/ links
// back to them: proto → ../../proto, web/.next → ../../../web/.next, web/next.config.ts →
// ../../../web/next.config.ts. Tests still run the sources with tsx; tests/lib/npm-start.ts runs
// what `npm start` runs.
//
// The output is compiled into build/server.new and swapped in with renames, so processes already
// running from build/server/ never see a half-written tree, and a lock (build/LOCK) makes two
// builds started at once (say, `npm run kvs` on two terminals) take turns: the second finds the
// first's output current and builds nothing.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { lockDir } from '../cluster/common/dir-lock.ts';
import { buildDir, builtPath, repoRoot } from '../cluster/common/launch.ts';

/** Git-ignored: the compiled tree (server/) and the lock. */
const buildRoot = path.dirname(buildDir);
/** Written last by a build: the sources it compiled; its mtime is when the build began. */
const stampPath = path.join(buildDir, 'BUILD_SOURCES.json');
/** Settings whose change changes the output. */
const buildInputs = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
/** Relative symlinks inside build/ to what compiled code reads by its own location. */
const links: [string, string][] = [
  ['proto', '../../proto'],
  ['web/.next', '../../../web/.next'],
  ['web/next.config.ts', '../../../web/next.config.ts'],
];

/** Why the server code must be compiled, or undefined when build/ is current. */
export function serverStaleReason(): string | undefined {
  let stamp: { sources: string[] };
  let builtMs: number;
  try {
    stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as { sources: string[] };
    builtMs = statSync(stampPath).mtimeMs;
  } catch {
    return 'no build yet';
  }
  // A new module appears only through an import in one already compiled, which then changed.
  for (const source of [...stamp.sources, ...buildInputs]) {
    let sourceMs: number;
    try {
      sourceMs = statSync(path.join(repoRoot, source)).mtimeMs;
    } catch {
      return `${source} is gone`;
    }
    if (sourceMs > builtMs) return `${source} changed since the last build`;
    if (source.endsWith('.ts') && !existsSync(builtPath(source))) return `${builtPath(source)} is missing`;
  }
  return undefined;
}

/** The .ts sources behind the .js files under `dir`, relative to the repo. */
function compiledSources(dir: string, under = ''): string[] {
  const sources: string[] = [];
  for (const entry of readdirSync(path.join(dir, under), { withFileTypes: true })) {
    const rel = path.join(under, entry.name);
    if (entry.isDirectory()) sources.push(...compiledSources(dir, rel));
    else if (entry.isFile() && entry.name.endsWith('.js')) sources.push(rel.replace(/\.js$/, '.ts'));
  }
  return sources.sort();
}

function run(args: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed with exit code ${code}`))));
  });
}

/** Compiles the server code into a fresh directory, then puts it in place of build/. */
export async function buildServer(): Promise<void> {
  const startedMs = Date.now();
  const fresh = `${buildDir}.new`;
  const old = `${buildDir}.old`;
  rmSync(fresh, { recursive: true, force: true });
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  await run([tsc, '-p', path.join(repoRoot, 'tsconfig.build.json'), '--outDir', fresh], 'tsc');
  for (const [link, target] of links) {
    mkdirSync(path.dirname(path.join(fresh, link)), { recursive: true });
    symlinkSync(target, path.join(fresh, link));
  }
  const stamp = path.join(fresh, path.basename(stampPath));
  writeFileSync(stamp, `${JSON.stringify({ sources: compiledSources(fresh) }, null, 2)}\n`);
  // A source saved while tsc ran is newer than this, so the next check builds again.
  utimesSync(stamp, new Date(startedMs), new Date(startedMs));
  rmSync(old, { recursive: true, force: true });
  if (existsSync(buildDir)) renameSync(buildDir, old);
  renameSync(fresh, buildDir);
  rmSync(old, { recursive: true, force: true });
}

export interface BuildOptions {
  /** Build only what is missing or stale. */
  ifStale: boolean;
  /** Leave the web app alone (processes that do not serve it). */
  serverOnly: boolean;
  say?: (line: string) => void;
}

/** The web app, then the server code, under the build lock. */
export async function build(options: BuildOptions): Promise<void> {
  const say = options.say ?? ((line: string) => console.log(line));
  const lock = await takeBuildLock(say);
  try {
    if (!options.serverOnly) {
      // Loaded here, not at the top: compiled code imports this file for serverStaleReason,
      // and web/build.ts finds the web app by its own location.
      const web = await import('../web/build.ts');
      if (options.ifStale) await web.ensureWebBuild(say);
      else await web.buildWeb();
    }
    const reason = options.ifStale ? serverStaleReason() : 'asked to';
    if (reason) {
      say(`compiling the server code into ${path.relative(repoRoot, buildDir)}/ (${reason})…`);
      const started = Date.now();
      await buildServer();
      say(`server code compiled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    lock.release();
  }
}

/** Waits (up to 10 minutes, a cold `next build` on a busy machine) for another build to end. */
async function takeBuildLock(say: (line: string) => void): Promise<{ release(): void }> {
  const deadline = Date.now() + 10 * 60_000;
  let told = false;
  for (;;) {
    try {
      return lockDir(buildRoot, 'build.ts');
    } catch (err) {
      if (Date.now() > deadline) throw err;
      if (!told) say(`waiting for another build: ${(err as Error).message}`);
      told = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  build({ ifStale: process.argv.includes('--if-stale'), serverOnly: process.argv.includes('--server-only') }).catch((err: unknown) => {
    process.stderr.write(`build failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
