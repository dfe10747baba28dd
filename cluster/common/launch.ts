// How every launcher — `npm start`, the tests, the benchmarks — starts a PennCloud process, from
// the repo root, with stdout and stderr appended to one log file that is closed once both
// streams have ended: from its source, `node <flags> --import tsx <script> …args` (the tests and
// benchmarks), or compiled (`npm start`, scripts/build.ts), `node --enable-source-maps <flags>
// build/server/<script>.js …args`.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding package.json: this file runs from cluster/common/ and, compiled, from build/server/cluster/common/. */
function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('no package.json above cluster/common/launch.ts');
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRepoRoot();
/** Where scripts/build.ts puts the compiled server code, mirroring the source tree. */
export const buildDir = path.join(repoRoot, 'build', 'server');

/** `cluster/kvs/main.ts` → `<repo>/build/server/cluster/kvs/main.js`. */
export function builtPath(script: string): string {
  return path.join(buildDir, script.replace(/\.ts$/, '.js'));
}

/**
 * Node flags a process needs, by its entry script.
 *
 * A frontend's young generation is capped at 2 MiB semi-spaces (V8 grows them to 16 MiB): ~30 MB
 * less resident memory, which keeps a frontend under 300 MB through a drive transfer; its old
 * generation at 256 MiB, four times what it holds live after bench:web (V8 sizes its collections
 * to the limit, 4 GiB here by default, and let garbage reach ~270 MiB: 394–406 MiB resident after
 * bench:web, 185 MiB with the cap; web/README.md, "Memory"). `npm run web` and the systemd unit
 * pass the same flags.
 *
 * A storage node starts its old generation's limit at 128 MiB. V8 counts the Buffers allocated
 * since its last full collection against that limit, which it otherwise sets from the live heap
 * (~19 MB in a node, so a limit of ~42 MB): a node taking 1 MiB values, which allocates a few
 * Buffers of the value's size for each one, ran a full collection every ~24 MB of them — 7 to 10
 * a second, their concurrent marking a quarter of the machine's CPU. With the floor: 70 % fewer
 * full collections, 1 MiB puts 16–23 % and drive uploads ~40 % faster, small values unchanged,
 * for up to ~50 MiB more resident memory between collections (docs/PERFORMANCE.md, "Full
 * collections under large values"). The mail daemon gets the same floor for the same reason:
 * every message it serves is a Buffer read from the store and another written to the client
 * (IMAP FETCH 29–49 % faster, ~25 MiB more resident; "Mail: reading"). `npm run kvs`, `npm run
 * mail` and the systemd units pass the same flags.
 */
export function nodeFlagsFor(script: string): string[] {
  if (script === 'web/main.ts') return ['--max-semi-space-size=2', '--max-old-space-size=256'];
  if (script === 'cluster/kvs/main.ts' || script === 'cluster/smtp/main.ts') return ['--initial-old-space-size=128'];
  return [];
}

/**
 * Environment a process needs, by its entry script (the launching environment may override it).
 * glibc's malloc serves a block of at least 128 KiB with its own mmap, returned to the system on
 * free — until a large block is freed: then it raises that threshold to the block's size, and
 * later 1 MiB buffers (a frontend's drive chunks) come from its heap, which it keeps after they
 * are freed. Fixed at 128 KiB, a frontend after the e2e specs rested at 203 MB and peaked at
 * 249 MB through a 1 GiB transfer, against 255–302 and 296–304 MB without (docs/PERFORMANCE.md,
 * "Single node: memory"; the 300 MB promise of web/README.md, "Memory").
 */
export function envFor(script: string): Record<string, string> {
  return script === 'web/main.ts' ? { MALLOC_MMAP_THRESHOLD_: '131072' } : {};
}

export interface Launched {
  child: ChildProcess;
  /** Resolves when the log file is closed (after the process and its pipes have ended). */
  logClosed: Promise<void>;
}

/**
 * Starts `script` (its source path, relative to the repo root) with its output appended to
 * `logPath`: the source under tsx, or with `compiled` its build (source maps on, so a stack
 * trace names the .ts line).
 */
export function launch(script: string, args: string[], logPath: string, env: NodeJS.ProcessEnv = process.env, compiled = false): Launched {
  const logFile = createWriteStream(logPath, { flags: 'a' });
  // A log file is a debugging aid: failing to write one must not stop the process's launcher.
  logFile.on('error', (err) => process.stderr.write(`log ${logPath}: ${err.message}\n`));
  const logClosed = new Promise<void>((resolve) => logFile.once('close', () => resolve()));
  const entry = compiled ? ['--enable-source-maps', ...nodeFlagsFor(script), builtPath(script)] : [...nodeFlagsFor(script), '--import', 'tsx', path.join(repoRoot, script)];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: repoRoot,
    env: { ...envFor(script), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Both streams feed one file, which ends only when both have ended.
  let open = 2;
  for (const stream of [child.stdout, child.stderr]) {
    stream?.pipe(logFile, { end: false });
    stream?.once('close', () => {
      if (--open === 0) logFile.end();
    });
  }
  return { child, logClosed };
}

/** launch() of the compiled code, for the supervisor of a compiled `npm start`. */
export function launchCompiled(script: string, args: string[], logPath: string): Launched {
  return launch(script, args, logPath, process.env, true);
}
