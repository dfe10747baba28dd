// Builds the web app (`next build web`) when the build is missing or older than its sources:
// the web app itself, the cluster code it bundles, and the lock file. Used by `npm start`, the
// browser tests' setup and the web benchmark; `npm run build:web` builds unconditionally.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(webDir, '..');
const buildId = path.join(webDir, '.next', 'BUILD_ID');

/** Sources whose change needs a new build; e2e specs, unit tests and docs do not. */
function newestSourceMs(dir: string, newest = 0): number {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'e2e') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = newestSourceMs(full, newest);
    else if (!entry.name.endsWith('.test.ts') && !entry.name.endsWith('.md')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Why the build must be made, or undefined when it is up to date. */
export function staleReason(): string | undefined {
  if (!existsSync(buildId)) return 'no build yet';
  const builtMs = statSync(buildId).mtimeMs;
  const sources = [webDir, path.join(repoRoot, 'cluster')];
  const newest = Math.max(...sources.map((d) => newestSourceMs(d)), statSync(path.join(repoRoot, 'package-lock.json')).mtimeMs);
  return newest > builtMs ? 'sources changed since the last build' : undefined;
}

export function buildWeb(output: 'inherit' | 'ignore' = 'inherit'): Promise<void> {
  const nextBin = path.join(repoRoot, 'node_modules', 'next', 'dist', 'bin', 'next');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, 'build', webDir], {
      cwd: repoRoot,
      stdio: ['ignore', output, output],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build failed with exit code ${code}`))));
  });
}

/** Builds when stale; says so on `say`. */
export async function ensureWebBuild(say: (line: string) => void = (l) => console.log(l)): Promise<void> {
  const reason = staleReason();
  if (!reason) return;
  say(`building the web app (${reason})…`);
  const started = Date.now();
  await buildWeb();
  say(`web app built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const run = process.argv.includes('--if-stale') ? ensureWebBuild() : buildWeb();
  run.catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
