// How every launcher — `npm start`, the tests, the benchmarks — starts a PennCloud process:
// `node <flags> --import tsx <script> …args` from the repo root, with stdout and stderr appended
// to one log file that is closed once both streams have ended.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Node flags a process needs, by its entry script. A frontend's young generation is capped at
 * 2 MiB semi-spaces (V8 grows them to 16 MiB): ~30 MB less resident memory, which keeps a
 * frontend under 300 MB through a drive transfer (web/README.md, "Memory"). `npm run web`
 * passes the same flag (package.json).
 */
export function nodeFlagsFor(script: string): string[] {
  return script === 'web/main.ts' ? ['--max-semi-space-size=2'] : [];
}

export interface Launched {
  child: ChildProcess;
  /** Resolves when the log file is closed (after the process and its pipes have ended). */
  logClosed: Promise<void>;
}

/** Starts `script` (relative to the repo root) with its output appended to `logPath`. */
export function launch(script: string, args: string[], logPath: string, env: NodeJS.ProcessEnv = process.env): Launched {
  const logFile = createWriteStream(logPath, { flags: 'a' });
  // A log file is a debugging aid: failing to write one must not stop the process's launcher.
  logFile.on('error', (err) => process.stderr.write(`log ${logPath}: ${err.message}\n`));
  const logClosed = new Promise<void>((resolve) => logFile.once('close', () => resolve()));
  const child = spawn(process.execPath, [...nodeFlagsFor(script), '--import', 'tsx', path.join(repoRoot, script), ...args], {
    cwd: repoRoot,
    env,
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
