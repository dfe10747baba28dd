// `npm start` under test: package.json's `prestart` (the build, scripts/build.ts) and then its
// `start` (the compiled scripts/start-cluster.ts), run as npm runs them but without npm's
// wrapper processes, with a test config; its console output kept (and copied to
// <dir>/npm-start.log), and the supervisor's process table read as the admin console reads it.
// It runs in its own process group, so a failed test can take every process it started along
// with it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseProcessTable, processTablePath, type ProcessEntry, type ProcessTable } from '../../cluster/common/supervision.ts';
import { repoRoot, type TestEnv } from '../../scripts/lib/processes.ts';

export interface NpmStart {
  child: ChildProcess;
  /** Everything it has printed so far. */
  output(): string;
  /** <dataDir>/run/processes.json, or undefined while there is none. */
  table(): ProcessTable | undefined;
  /** One process's row; throws when the table or the row is missing. */
  entry(name: string): ProcessEntry;
  /** SIGINT, as Ctrl-C; resolves with its exit code, or fails after timeoutMs. */
  interrupt(timeoutMs: number): Promise<number | null>;
  /** SIGKILL to its whole process group (cleanup after a failure). */
  killAll(): void;
}

/** package.json's script `name` as an argv for spawn; it must be one plain `node …` command. */
export function npmScript(name: string): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const command = scripts[name] ?? '';
  const [program, ...args] = command.split(' ');
  if (program !== 'node' || /[&|;<>$"'`\\]/.test(command)) throw new Error(`package.json's ${name} is not one plain node command: "${command}"`);
  return [process.execPath, ...args];
}

/** Runs `prestart` to its end (it may build for minutes), then starts `start`. */
export async function startNpmStart(env: TestEnv): Promise<NpmStart> {
  const log = createWriteStream(path.join(env.dir, 'npm-start.log'));
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    log.write(chunk);
  };
  const [prestart, ...prestartArgs] = npmScript('prestart');
  const built = spawn(prestart!, prestartArgs, { cwd: repoRoot, env: env.env, stdio: ['ignore', 'pipe', 'pipe'] });
  built.stdout.on('data', keep);
  built.stderr.on('data', keep);
  const buildCode = await new Promise<number | null>((resolve, reject) => {
    built.once('error', reject);
    built.once('close', (code) => resolve(code));
  });
  if (buildCode !== 0) throw new Error(`npm's prestart failed with exit code ${buildCode}:\n${output}`);
  const [start, ...startArgs] = npmScript('start');
  const child = spawn(start!, startArgs, {
    cwd: repoRoot,
    env: env.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (const stream of [child.stdout, child.stderr]) stream.on('data', keep);
  const tablePath = processTablePath(String(env.config.dataDir));
  const table = () => {
    try {
      return parseProcessTable(readFileSync(tablePath, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  };
  const killAll = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  };
  // If the test process dies without cleaning up, the cluster goes with it.
  process.on('exit', killAll);
  return {
    child,
    output: () => output,
    table,
    entry(name) {
      const row = table()?.processes.find((p) => p.name === name);
      if (!row) throw new Error(`no process ${name} in ${tablePath}`);
      return row;
    },
    async interrupt(timeoutMs) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`npm start did not stop within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        return await Promise.race([exited, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    killAll() {
      process.off('exit', killAll);
      killAll();
      log.end();
    },
  };
}

/** True while a process with this pid exists. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
